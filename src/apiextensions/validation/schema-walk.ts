// Reading JSONSchemaProps as plain JSON: the union fields (items, additionalProperties), property
// names in a stable order (Go ranges over maps at random; sorted keys give one fixed answer), and
// SchemaHas, the recursive "does any node satisfy" walk of the CRD validation code.
import type { JSONSchemaProps } from '../types.js';

export const isSchema = (v: unknown): v is JSONSchemaProps => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The single schema of an items / additionalProperties field (not a list, not a boolean). */
export function schemaOf(v: unknown): JSONSchemaProps | undefined {
  return isSchema(v) ? v : undefined;
}

export function propertyNames(s: JSONSchemaProps): string[] {
  return isSchema(s.properties) ? Object.keys(s.properties).sort() : [];
}

/** A non-empty list or map: what Go's len(x) > 0 sees. */
export function setList(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0;
  return isSchema(v) && Object.keys(v).length > 0;
}

export function hasXValidations(s: JSONSchemaProps): boolean {
  return setList(s['x-kubernetes-validations']);
}

/** The logical junctors in upstream's order (not, allOf, anyOf, oneOf) with their path suffix. */
export function junctors(s: JSONSchemaProps): Array<{ schema: JSONSchemaProps; path: string }> {
  const out: Array<{ schema: JSONSchemaProps; path: string }> = [];
  if (isSchema(s.not)) out.push({ schema: s.not, path: 'not' });
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
    const list = s[key];
    if (Array.isArray(list)) list.forEach((x, i) => { if (isSchema(x)) out.push({ schema: x, path: `${key}[${i}]` }); });
  }
  return out;
}

function subSchemas(s: JSONSchemaProps): JSONSchemaProps[] {
  const out: JSONSchemaProps[] = [];
  if (Array.isArray(s.items)) out.push(...s.items.filter(isSchema));
  else if (isSchema(s.items)) out.push(s.items);
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) if (Array.isArray(s[key])) out.push(...(s[key] ?? []).filter(isSchema));
  if (isSchema(s.not)) out.push(s.not);
  for (const key of ['properties', 'patternProperties', 'definitions'] as const) {
    const m = s[key];
    if (isSchema(m)) out.push(...Object.values(m).filter(isSchema));
  }
  for (const key of ['additionalProperties', 'additionalItems'] as const) if (isSchema(s[key])) out.push(s[key] as JSONSchemaProps);
  if (isSchema(s.dependencies)) out.push(...Object.values(s.dependencies).filter(isSchema));
  return out;
}

/** SchemaHas: whether pred holds for the schema or any schema nested in it. */
export function schemaHas(s: JSONSchemaProps | undefined, pred: (s: JSONSchemaProps) => boolean): boolean {
  if (!s) return false;
  if (pred(s)) return true;
  return subSchemas(s).some(x => schemaHas(x, pred));
}
