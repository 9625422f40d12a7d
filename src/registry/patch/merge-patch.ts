// RFC 7386 JSON merge patch: objects merge recursively, null deletes, everything else replaces.
// Keys are own properties only, so "__proto__" or "constructor" are ordinary keys; nesting is bounded
// by the body parser (api/decode/depth.ts), which keeps the recursion off the stack's end.
import { isObject } from '../../api/types.js';
import { getOwn, setOwn } from '../../api/own-props.js';

export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const out: Record<string, unknown> = {};
  if (isObject(target)) for (const [k, v] of Object.entries(target)) setOwn(out, k, v);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else setOwn(out, k, applyMergePatch(getOwn(out, k), v));
  }
  return out;
}
