// Strict field validation of the patch body itself, which the typed decode of the patched object
// cannot see: upstream strict-decodes merge and strategic merge patches into a map (duplicate keys
// at any depth) and re-reads an apply configuration with go-yaml's strict unmarshal.
import { errors } from '../../api/errors.js';
import { untypedStrictErrors, yamlStrictErrorOf } from '../../api/strict-errors.js';
import { fe, GoText } from '../../api/validation/field.js';

type Mode = 'Ignore' | 'Warn' | 'Strict';

/** Go's %+v of decoded JSON, as upstream prints a strategic merge patch map in its error. */
function goPlain(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goPlain).join(' ')}]`;
  if (typeof v === 'object') {
    const m = v as Record<string, unknown>;
    return `map[${Object.keys(m).sort().map(k => `${k}:${goPlain(m[k])}`).join(' ')}]`;
  }
  return String(v);
}

/**
 * Duplicate keys of a merge or strategic merge patch: 422 on field "patch" under Strict (the
 * value upstream shows is the patched JSON, or the patch map for a strategic merge patch), else
 * warnings.
 */
export function mapPatchStrictness(patch: unknown, patched: unknown, strategic: boolean, mode: Mode): string[] {
  if (mode === 'Ignore') return [];
  const found = untypedStrictErrors(patch);
  if (found.length === 0 || mode === 'Warn') return found;
  const shown = strategic ? new GoText(JSON.stringify(goPlain(patch))) : JSON.stringify(patched);
  throw errors.invalid('', '', '', [fe.invalid('patch', shown, `strict decoding error: ${found.join(', ')}`)]);
}

/** Duplicate keys of an apply configuration: 400 under Strict, else a warning. */
export function applyPatchStrictness(config: unknown, mode: Mode): string[] {
  if (mode === 'Ignore') return [];
  const found = yamlStrictErrorOf(config);
  if (found === undefined) return [];
  if (mode === 'Strict') throw errors.badRequest(`error strict decoding patch: ${found}`);
  return [found];
}
