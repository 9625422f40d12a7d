// What upstream's patch handler does with the patched object: decode it into the target type
// (runtime.DecodeInto for JSON and merge patches, the unstructured converter for strategic merge
// patches), and report the patch body's strict errors followed by the decoder's as one 422 on
// field "patch" under Strict, or as warnings under Warn. A decode failure is 422 on "patch" too.
// Server-side apply re-reads its configuration with go-yaml's strict unmarshal instead.
import type { Response } from 'express';
import { decodeObject, FIND_KIND, PatchedDecodeError } from '../../api/decode.js';
import { errors } from '../../api/errors.js';
import { strictWarnings, yamlStrictErrorOf } from '../../api/strict-errors.js';
import { isObject, type KubeObject } from '../../api/types.js';
import { fe, GoText } from '../../api/validation/field.js';
import type { HandlerContext } from './context.js';
import { addWarnings } from './decode-body.js';

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

/** The value upstream shows for a strategic merge patch: the patch map printed with %+v. */
export function goPatchMap(patch: unknown): GoText {
  return new GoText(JSON.stringify(goPlain(patch ?? {})));
}

const patchInvalid = (shown: string | GoText, detail: string) => errors.invalid('', '', '', [fe.invalid('patch', shown, detail)]);

/**
 * Decodes a patched object; `strictErrors` are the patch body's own, `shown` the value the 422
 * names (computed only when there is an error to report).
 */
export function decodePatched(ctx: HandlerContext, patched: unknown, mode: Mode, strictErrors: string[], shown: () => string | GoText): KubeObject {
  // A merge patch that is an array replaces the document, which then cannot be read as an object.
  if (!isObject(patched)) {
    throw patchInvalid(shown(), `couldn't get version/kind; json parse error: json: cannot unmarshal ${Array.isArray(patched) ? 'array' : 'object'} into Go value of type ${FIND_KIND}`);
  }
  let decoded;
  try {
    decoded = decodeObject(ctx.info, patched, { fieldValidation: mode, patched: true });
  } catch (e) {
    if (e instanceof PatchedDecodeError) throw patchInvalid(shown(), e.message);
    throw e;
  }
  addWarnings(ctx.res, decoded.warnings);
  const found = mode === 'Ignore' ? [] : [...strictErrors, ...(decoded.strictErrors ?? [])];
  if (found.length > 0) {
    if (mode === 'Strict') throw patchInvalid(shown(), `strict decoding error: ${found.join(', ')}`);
    addWarnings(ctx.res, strictWarnings(found));
  }
  return decoded.obj;
}

/** Duplicate keys of an apply configuration: 400 under Strict, else one warning per key. */
export function applyPatchStrictness(res: Response, config: unknown, mode: Mode): void {
  if (mode === 'Ignore') return;
  const found = yamlStrictErrorOf(config);
  if (found === undefined) return;
  const error = `error converting YAML to JSON: ${found}`;
  if (mode === 'Strict') throw errors.badRequest(`error strict decoding YAML: ${error}`);
  addWarnings(res, strictWarnings([error]));
}
