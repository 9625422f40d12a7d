// PruneDefaults: each default is pruned (and its embedded metadata coerced) as it would be
// inside a full object, by placing it at its path in a surrounding object of the root schema.
import type { JSONSchemaProps } from '../types.js';
import { coerceEmbeddedResources } from './embedded.js';
import { pruneCustomResource } from './prune.js';
import { asResourceRoot, isObj } from './structural.js';

/** One step from a schema node down to a child: an object key or an array item. */
export type Step = { key: string } | 'index';

/** x placed at the end of steps: {k: x} for a key, [x] for an item. */
export function surround(x: unknown, steps: Step[]): unknown {
  return steps.reduceRight<unknown>((inner, step) => (step === 'index' ? [inner] : { [step.key]: inner }), x);
}
function extract(root: unknown, steps: Step[]): unknown {
  let cur: unknown = root;
  for (const step of steps) {
    if (step === 'index') cur = Array.isArray(cur) ? cur[0] : undefined;
    else cur = isObj(cur) ? cur[step.key] : undefined;
  }
  return cur;
}

/** A copy of the schema with every default pruned against the root schema. */
export function pruneDefaults(root: JSONSchemaProps): JSONSchemaProps {
  const out = structuredClone(root);
  const rootSchema = asResourceRoot(out);
  const visit = (s: JSONSchemaProps, steps: Step[]) => {
    if (s.default !== undefined && s.default !== null && (steps.length > 0 || isObj(s.default))) {
      const obj = surround(structuredClone(s.default), steps);
      coerceEmbeddedResources(obj, rootSchema, { dropInvalidFields: true });
      pruneCustomResource(obj, rootSchema, { isResourceRoot: true });
      s.default = extract(obj, steps);
    }
    if (typeof s.additionalProperties === 'object') visit(s.additionalProperties, [...steps, { key: '*' }]);
    if (s.items && !Array.isArray(s.items)) visit(s.items, [...steps, 'index']);
    for (const [k, p] of Object.entries(s.properties ?? {})) visit(p, [...steps, { key: k }]);
  };
  visit(out, []);
  return out;
}
