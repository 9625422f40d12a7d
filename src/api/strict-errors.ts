// Strict decoding errors found outside the typed decode. Upstream's YAML serializer runs
// sigs.k8s.io/yaml's YAMLToJSONStrict over the original body before the strict JSON decode, so
// its go-yaml error comes first (the JSON it decodes has no duplicates left); custom resources
// decode into a map, where sigs.k8s.io/json reports duplicate keys at any depth.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { keysWithDuplicates } from './decode/json-parse.js';

/** Strict-mode YAML errors of parsed bodies, by the root object the body parsed to. */
const yamlErrors = new WeakMap<object, string>();

/** go-yaml's %#v of a map key: strings quoted, other scalars as printed. */
function goKey(key: unknown): string {
  if (isScalar(key)) return typeof key.value === 'string' ? JSON.stringify(key.value) : String(key.value);
  return String(key);
}

/** A key's identity in a Go map[interface{}]interface{}: its type and value. */
function keyIdentity(key: unknown): string {
  if (isScalar(key)) return `${typeof key.value}:${String(key.value)}`;
  return `node:${String(key)}`;
}

function collect(node: unknown, lines: LineCounter, out: string[]): void {
  if (isSeq(node)) {
    for (const item of node.items) collect(item, lines, out);
    return;
  }
  if (!isMap(node)) return;
  const seen = new Set<string>();
  for (const pair of node.items) {
    const id = keyIdentity(pair.key);
    // go-yaml names the line of the value node (decoder.setMapIndex), 1-based.
    const at = (pair.value as Node | null)?.range?.[0] ?? (pair.key as Node | null)?.range?.[0] ?? 0;
    if (seen.has(id)) out.push(`line ${lines.linePos(at).line}: key ${goKey(pair.key)} already set in map`);
    else seen.add(id);
    collect(pair.value, lines, out);
  }
}

/** go-yaml v2's strict unmarshal error for duplicate keys in `text`, or undefined. */
export function yamlDuplicateKeyError(text: string): string | undefined {
  const lines = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: false, merge: false, version: '1.1', lineCounter: lines });
  const found: string[] = [];
  collect(doc.contents, lines, found);
  return found.length > 0 ? `yaml: unmarshal errors:\n  ${found.join('\n  ')}` : undefined;
}

/** Remembers the YAML strict error of a body that parsed to `root`. */
export function noteYamlStrictError(root: unknown, text: string): void {
  if (typeof root !== 'object' || root === null) return;
  const err = yamlDuplicateKeyError(text);
  if (err !== undefined) yamlErrors.set(root, err);
}

/** The YAML strict error noted for a parsed body, which upstream reports before the others. */
export function yamlStrictErrorOf(root: unknown): string | undefined {
  return typeof root === 'object' && root !== null ? yamlErrors.get(root) : undefined;
}

function duplicatesIn(v: unknown, path: string, seen: Set<string>, out: string[]): void {
  if (Array.isArray(v)) {
    v.forEach((item, i) => duplicatesIn(item, `${path}[${i}]`, seen, out));
    return;
  }
  if (typeof v !== 'object' || v === null) return;
  const record = v as Record<string, unknown>;
  const keys = new Set<string>();
  for (const key of keysWithDuplicates(record) ?? Object.keys(record)) {
    const at = path === '' ? key : `${path}.${key}`;
    // kjson's saveStrictError keeps each message once.
    if (keys.has(key) && !seen.has(at)) {
      seen.add(at);
      out.push(`duplicate field ${JSON.stringify(at)}`);
    }
    keys.add(key);
    duplicatesIn(record[key], at, seen, out);
  }
}

/** The strict errors of decoding `root` into a map (custom resources): the YAML error, then duplicate keys in document order. */
export function untypedStrictErrors(root: unknown): string[] {
  const out: string[] = [];
  const yaml = yamlStrictErrorOf(root);
  if (yaml !== undefined) out.push(yaml);
  duplicatesIn(root, '', new Set(), out);
  return out;
}

const yamlPrefixes = ['yaml: unmarshal errors:\n', 'error converting YAML to JSON: yaml: unmarshal errors:\n'];

/** upstream's addStrictDecodingWarnings: a go-yaml error gives one warning per line, others one each. */
export function strictWarnings(errs: readonly string[]): string[] {
  return errs.flatMap(e => {
    const prefix = yamlPrefixes.find(p => e.startsWith(p));
    return prefix === undefined ? [e] : e.slice(prefix.length).split('\n').map(line => line.trim());
  });
}
