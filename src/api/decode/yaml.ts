// YAML request bodies as upstream's decoder (sigs.k8s.io/yaml over go-yaml v2) reads them: only
// the first document counts, timestamps stay the strings they were written as, !!binary becomes
// the decoded bytes as a string, and an anchor may not contain itself. Nesting is bounded.
import { parseAllDocuments, visit, type Document, type ScalarTag } from 'yaml';
import { maxNestingDepth, nestsTooDeep } from './depth.js';

const binaryTag: ScalarTag = {
  tag: 'tag:yaml.org,2002:binary',
  identify: () => false,
  resolve: (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'base64').toString('utf8'),
};

/** A body sigs.k8s.io/yaml cannot convert; the message is its "error converting YAML to JSON: yaml: ...". */
export class YamlSyntaxError extends Error {}

function yamlError(message: string): never {
  throw new YamlSyntaxError(`error converting YAML to JSON: yaml: ${message}`);
}

function selfContainingAnchor(doc: Document): string | undefined {
  let found: string | undefined;
  visit(doc, {
    Alias(_key, alias, path) {
      const target = alias.resolve(doc);
      if (target && path.includes(target)) {
        found = alias.source;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/** Parses a YAML body into JSON data; throws YamlSyntaxError with upstream's wording on failure. */
export function parseYamlBody(text: string): unknown {
  const docs = parseAllDocuments(text, {
    uniqueKeys: false,
    merge: false,
    version: '1.1',
    customTags: tags => [...tags.filter(t => typeof t === 'string' || (t.tag !== 'tag:yaml.org,2002:timestamp' && t.tag !== binaryTag.tag)), binaryTag],
  });
  const first = Array.isArray(docs) ? docs[0] : undefined;
  if (!first) return null;
  const problem = first.errors[0];
  // The parser catches its own stack overflow on deep flow collections and reports it as an error.
  if (problem) yamlError(problem.message.includes('call stack') ? `exceeded max depth of ${maxNestingDepth}` : problem.message.split('\n')[0] ?? problem.message);
  const anchor = selfContainingAnchor(first);
  if (anchor !== undefined) yamlError(`anchor '${anchor}' value contains itself`);
  let data: unknown;
  try {
    data = first.toJS({ maxAliasCount: 100 });
  } catch (e) {
    yamlError((e as Error).message);
  }
  if (nestsTooDeep(data)) yamlError(`exceeded max depth of ${maxNestingDepth}`);
  return data;
}
