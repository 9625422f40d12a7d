// The smaller parts of a CRD spec: names, printer columns, subresources and selectable fields.
import { fe, list, obj, path, str, type Causes } from '../../api/validation/field.js';
import { isDNS1035Label } from '../../api/validation/names.js';
import type { JSONSchemaProps } from '../types.js';
import { validFieldPath } from './field-path.js';

const PRINTER_COLUMN_TYPES = ['boolean', 'date', 'integer', 'number', 'string'];
const PRINTER_COLUMN_FORMATS = ['byte', 'date', 'date-time', 'double', 'float', 'int32', 'int64', 'password'];
const MAX_SELECTABLE_FIELDS = 8;

/** ValidateCustomResourceDefinitionNames (spec.names and status.acceptedNames). */
export function validateNames(namesValue: unknown, at: string): Causes {
  const names = obj(namesValue) ?? {};
  const out: Causes = [];
  const plain = (key: 'plural' | 'singular') => {
    const v = str(names[key]);
    const errs = isDNS1035Label(v);
    if (v !== '' && errs.length > 0) out.push(fe.invalid(path.child(at, key), v, errs.join(',')));
  };
  const mixedCase = (key: 'kind' | 'listKind') => {
    const v = str(names[key]);
    const errs = isDNS1035Label(v.toLowerCase());
    if (v !== '' && errs.length > 0) out.push(fe.invalid(path.child(at, key), v, `may have mixed case, but should otherwise match: ${errs.join(',')}`));
  };
  plain('plural');
  plain('singular');
  mixedCase('kind');
  mixedCase('listKind');
  list(names['shortNames']).map(str).forEach((n, i) => {
    const errs = isDNS1035Label(n);
    if (errs.length > 0) out.push(fe.invalid(path.index(path.child(at, 'shortNames'), i), n, errs.join(',')));
  });
  const kind = str(names['kind']);
  if (kind !== '' && kind === str(names['listKind'])) out.push(fe.invalid(path.child(at, 'listKind'), kind, 'kind and listKind may not be the same'));
  list(names['categories']).map(str).forEach((c, i) => {
    const errs = isDNS1035Label(c);
    if (errs.length > 0) out.push(fe.invalid(path.index(path.child(at, 'categories'), i), c, errs.join(',')));
  });
  return out;
}

function validateSimpleJSONPath(s: string, at: string): Causes {
  if (s === '') return [fe.invalid(at, s, 'must not be empty')];
  if (!s.startsWith('.')) return [fe.invalid(at, s, 'must be a simple json path starting with .')];
  return [];
}

/** ValidateCustomResourceColumnDefinition; the internal type names the path field JSONPath. */
export function validateColumn(colValue: unknown, at: string): Causes {
  const col = obj(colValue) ?? {};
  const out: Causes = [];
  if (str(col['name']) === '') out.push(fe.required(path.child(at, 'name')));
  const type = str(col['type']);
  const typesMsg = `must be one of ${PRINTER_COLUMN_TYPES.join(',')}`;
  if (type === '') out.push(fe.required(path.child(at, 'type'), typesMsg));
  else if (!PRINTER_COLUMN_TYPES.includes(type)) out.push(fe.invalid(path.child(at, 'type'), type, typesMsg));
  const format = str(col['format']);
  if (format !== '' && !PRINTER_COLUMN_FORMATS.includes(format)) out.push(fe.invalid(path.child(at, 'format'), format, `must be one of ${PRINTER_COLUMN_FORMATS.join(',')}`));
  const jsonPath = str(col['JSONPath']);
  if (jsonPath === '') out.push(fe.required(path.child(at, 'JSONPath')));
  else out.push(...validateSimpleJSONPath(jsonPath, path.child(at, 'JSONPath')));
  return out;
}

export function validateColumns(columns: unknown, at: string): Causes {
  return list(columns).flatMap((c, i) => validateColumn(c, path.index(at, i)));
}

/** ValidateCustomResourceDefinitionSubresources: the scale subresource's paths. */
export function validateSubresources(value: unknown, at: string): Causes {
  const scale = obj(obj(value)?.['scale']);
  if (!scale) return [];
  const out: Causes = [];
  const replicas = (key: 'specReplicasPath' | 'statusReplicasPath', prefix: string, where: string) => {
    const v = str(scale[key]);
    const p = path.child(at, `scale.${key}`);
    if (v === '') return out.push(fe.required(p));
    const errs = validateSimpleJSONPath(v, p);
    if (errs.length > 0) return out.push(...errs);
    if (!v.startsWith(prefix)) out.push(fe.invalid(p, v, `should be a json path under ${where}`));
    return 0;
  };
  replicas('specReplicasPath', '.spec.', '.spec');
  replicas('statusReplicasPath', '.status.', '.status');
  const selector = str(scale['labelSelectorPath']);
  if (selector !== '') {
    const p = path.child(at, 'scale.labelSelectorPath');
    const errs = validateSimpleJSONPath(selector, p);
    if (errs.length > 0) out.push(...errs);
    else if (!selector.startsWith('.spec.') && !selector.startsWith('.status.')) out.push(fe.invalid(p, selector, 'should be a json path under either .spec or .status'));
  }
  return out;
}

/** ValidateCustomResourceSelectableFields against the (structural) schema they select from. */
export function validateSelectableFields(fields: unknown, schema: JSONSchemaProps, at: string): Causes {
  const out: Causes = [];
  const unique = new Set<string>();
  list(fields).forEach((f, i) => {
    const p = path.child(path.index(at, i), 'jsonPath');
    const jsonPath = str(obj(f)?.['jsonPath']);
    if (jsonPath === '') return out.push(fe.required(p));
    const found = validFieldPath(jsonPath, schema, false);
    if (!found.ok) return out.push(fe.invalid(p, jsonPath, `is an invalid path: ${found.error}`));
    if (found.root === 'metadata') out.push(fe.invalid(p, jsonPath, 'must not point to fields in metadata'));
    if (!['string', 'boolean', 'integer'].includes(found.schema?.type ?? '')) {
      out.push(fe.invalid(p, jsonPath, 'must point to a field of type string, boolean or integer. Enum string fields and strings with formats are allowed.'));
    }
    if (unique.has(found.path)) out.push(fe.duplicate(p, jsonPath));
    else unique.add(found.path);
    return 0;
  });
  if (unique.size > MAX_SELECTABLE_FIELDS) out.push(fe.tooMany(at, unique.size, MAX_SELECTABLE_FIELDS));
  return out;
}
