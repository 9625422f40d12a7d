// spec.versions of the internal CRD: each version's own fields, the top-level vs per-version
// exclusivity rules, and status.storedVersions.
import { fe, GoText, list, obj, objs, path, str, type Causes, type Obj } from '../../api/validation/field.js';
import { byteLength } from '../../api/validation/names.js';
import type { JSONSchemaProps } from '../types.js';
import { semanticEqual } from '../../api/conversion/crd.js';
import { validateColumns, validateSelectableFields, validateSubresources } from './names.js';
import { validateCustomResourceValidation, type CrdRules } from './schema.js';
import { isSchema } from './schema-walk.js';
import { structuralError } from './structural.js';

const q = (s: unknown) => JSON.stringify(str(s));
// Go prints pointers by address; a fixed one stands in for it.
const ptr = (type: string, v: unknown) => (v === undefined || v === null ? `(*${type})(nil)` : `(*${type})(0xc000000000)`);

function goSlice<T>(type: string, v: unknown, each: (x: Obj) => T): string {
  if (!Array.isArray(v)) return `[]${type}(nil)`;
  return `[]${type}{${objs(v).map(each).join(', ')}}`;
}

const goColumn = (c: Obj) =>
  `apiextensions.CustomResourceColumnDefinition{Name:${q(c['name'])}, Type:${q(c['type'])}, Format:${q(c['format'])}, Description:${q(c['description'])}, Priority:${Number(c['priority'] ?? 0)}, JSONPath:${q(c['JSONPath'])}}`;

const goVersion = (v: Obj) =>
  `apiextensions.CustomResourceDefinitionVersion{Name:${q(v['name'])}, Served:${v['served'] === true}, Storage:${v['storage'] === true}, Deprecated:${v['deprecated'] === true}, ` +
  `DeprecationWarning:${ptr('string', v['deprecationWarning'])}, Schema:${ptr('apiextensions.CustomResourceValidation', v['schema'])}, ` +
  `Subresources:${ptr('apiextensions.CustomResourceSubresources', v['subresources'])}, ` +
  `AdditionalPrinterColumns:${goSlice('apiextensions.CustomResourceColumnDefinition', v['additionalPrinterColumns'], goColumn)}, ` +
  `SelectableFields:${goSlice('apiextensions.SelectableField', v['selectableFields'], f => `apiextensions.SelectableField{JSONPath:${q(f['jsonPath'])}}`)}}`;

/** Go's %#v of spec.versions, which several messages print whole. */
export const goVersions = (versions: unknown) => new GoText(goSlice('apiextensions.CustomResourceDefinitionVersion', versions, goVersion));

function deprecationWarningErrors(deprecated: boolean, warning: unknown): string[] {
  if (!deprecated && typeof warning === 'string') return ['can only be set for deprecated versions'];
  if (typeof warning !== 'string') return [];
  const errs: string[] = [];
  if (byteLength(warning) > 256) errs.push('must be <= 256 characters long');
  if (warning.length === 0) errs.push('must not be an empty string');
  let index = 0;
  for (const ch of warning) {
    // unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
    if (!/[\p{L}\p{M}\p{N}\p{P}\p{S} ]/u.test(ch)) {
      errs.push(`must only contain printable UTF-8 characters; non-printable character found at index ${index}`);
      break;
    }
    index += byteLength(ch);
  }
  return errs;
}

export function schemaOfValidation(v: unknown): JSONSchemaProps | undefined {
  const s = obj(v)?.['openAPIV3Schema'];
  return isSchema(s) ? s : undefined;
}

/** selectableFields beside a schema (per version or top-level, with their own messages). */
export function validateSelectable(fields: unknown, validation: unknown, at: string, missingMsg: string): Causes {
  if (list(fields).length === 0) return [];
  const schema = schemaOfValidation(validation);
  if (!schema) return [fe.invalid(path.child(at, 'selectableFields'), '', missingMsg)];
  const out: Causes = [];
  const err = structuralError(schema);
  if (err) out.push(fe.invalid(path.child(at, 'schema.openAPIV3Schema'), '', err));
  return [...out, ...validateSelectableFields(fields, schema, path.child(at, 'selectableFields'))];
}

/** validateCustomResourceDefinitionVersion. */
export function validateVersion(v: Obj, at: string, statusEnabled: boolean, rules: CrdRules): Causes {
  const out: Causes = [];
  for (const e of deprecationWarningErrors(v['deprecated'] === true, v['deprecationWarning'])) {
    out.push(fe.invalid(path.child(at, 'deprecationWarning'), v['deprecationWarning'] ?? null, e));
  }
  out.push(...validateCustomResourceValidation(v['schema'], statusEnabled, rules, path.child(at, 'schema')));
  out.push(...validateSubresources(v['subresources'], path.child(at, 'subresources')));
  out.push(...validateColumns(v['additionalPrinterColumns'], path.child(at, 'additionalPrinterColumns')));
  out.push(...validateSelectable(v['selectableFields'], v['schema'], at, 'selectableFields may only be set when version.schema.openAPIV3Schema is not included'));
  return out;
}

const present = (x: unknown) => x !== undefined && x !== null;
export const hasPerVersion = (versions: Obj[], key: 'schema' | 'subresources') => versions.some(v => present(v[key]));
export const hasPerVersionColumns = (versions: Obj[]) => versions.some(v => list(v['additionalPrinterColumns']).length > 0);

/** Every version sets the same non-empty value: the top-level field should hold it instead. */
export function allIdentical(versions: Obj[], key: 'schema' | 'subresources' | 'additionalPrinterColumns'): boolean {
  const first = versions[0];
  if (!first) return false;
  const set = (x: unknown) => (key === 'additionalPrinterColumns' ? list(x).length > 0 : present(x));
  return versions.every(v => set(v[key]) && semanticEqual(v[key], first[key]));
}

/** ValidateCustomResourceDefinitionStoredVersions. */
export function validateStoredVersions(storedValue: unknown, versions: Obj[], at: string): Causes {
  const stored = list(storedValue).map(str);
  if (stored.length === 0) return [fe.invalid(at, stored.length === 0 && !Array.isArray(storedValue) ? new GoText('[]string(nil)') : [], 'must have at least one stored version')];
  const out: Causes = [];
  const index = new Map<string, number>();
  stored.forEach((v, i) => index.set(v, i));
  for (const v of versions) {
    const name = str(v['name']);
    const found = index.has(name);
    if (v['storage'] === true && !found) out.push(fe.invalid(at, stored, `must have the storage version ${name}`));
    index.delete(name);
  }
  for (const [v, i] of index) out.push(fe.invalid(path.index(at, i), v, 'must appear in spec.versions'));
  return out;
}
