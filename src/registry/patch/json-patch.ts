// RFC 6902 JSON patch through fast-json-patch, with upstream's operation cap and error classes.
import jsonpatch from 'fast-json-patch';
import { ApiError, errors } from '../../api/errors.js';

/** Upstream refuses patches with more operations than this (apiserver patch handler). */
export const maxJsonPatchOperations = 10000;

export function applyJsonPatch(doc: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch)) throw errors.badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  if (patch.length > maxJsonPatchOperations) {
    throw errors.tooLarge(`The allowed maximum operations in a JSON patch is ${maxJsonPatchOperations}, got ${patch.length}`);
  }
  const ops = patch as jsonpatch.Operation[];
  const invalid = jsonpatch.validate(ops, doc as object);
  if (invalid && invalid.name === 'OPERATION_OP_INVALID') throw errors.badRequest(`Unexpected kind: ${JSON.stringify((invalid.operation as { op?: unknown }).op)}`);
  try {
    return jsonpatch.applyPatch(structuredClone(doc), ops, true, false).newDocument;
  } catch (e) {
    const err = e as jsonpatch.JsonPatchError;
    if (err.name === 'TEST_OPERATION_FAILED') {
      throw new ApiError(422, 'Invalid', `the server rejected our request due to an error in our request: testing value ${err.operation?.path ?? ''} failed: test failed`);
    }
    throw new ApiError(422, 'Invalid', `the server rejected our request due to an error in our request: ${err.message.split('\n')[0]}`);
  }
}
