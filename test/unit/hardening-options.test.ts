// Options decoding (issue 18): a DeleteOptions body of the wrong shape is refused, never read as
// "no options", and bad dryRun values are 422 on the options kind, as upstream.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../../src/api/errors.js';
import { deleteParamsOf } from '../../src/endpoints/handlers/delete-options.js';
import { dryRunOf } from '../../src/endpoints/handlers/params.js';

function refused(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ApiError, String(e));
    return e;
  }
  assert.fail('expected the options to be refused');
}

const noQuery = new URLSearchParams();

describe('DeleteOptions bodies', () => {
  it('refuses wrong JSON types with Go decoder messages (400)', () => {
    const cases: [unknown, string][] = [
      [{ dryRun: 'All' }, 'json: cannot unmarshal string into Go struct field DeleteOptions.dryRun of type []string'],
      [{ dryRun: [1] }, 'json: cannot unmarshal number into Go struct field DeleteOptions.dryRun of type string'],
      [{ preconditions: { uid: 123 } }, 'json: cannot unmarshal number into Go struct field Preconditions.preconditions.uid of type types.UID'],
      [{ preconditions: 'x' }, 'json: cannot unmarshal string into Go struct field DeleteOptions.preconditions of type v1.Preconditions'],
      [{ gracePeriodSeconds: 'x' }, 'json: cannot unmarshal string into Go struct field DeleteOptions.gracePeriodSeconds of type int64'],
      [{ gracePeriodSeconds: 1.5 }, 'json: cannot unmarshal number 1.5 into Go struct field DeleteOptions.gracePeriodSeconds of type int64'],
      [{ orphanDependents: 'true' }, 'json: cannot unmarshal string into Go struct field DeleteOptions.orphanDependents of type bool'],
      [{ propagationPolicy: 1 }, 'json: cannot unmarshal number into Go struct field DeleteOptions.propagationPolicy of type v1.DeletionPropagation'],
      [{ kind: 5 }, 'json: cannot unmarshal number into Go struct field .kind of type string'],
    ];
    for (const [body, message] of cases) {
      const e = refused(() => deleteParamsOf(noQuery, body));
      assert.equal(e.code, 400, JSON.stringify(body));
      assert.equal(e.message, message);
    }
    const arr = refused(() => deleteParamsOf(noQuery, []));
    assert.equal(arr.code, 400);
    assert.match(arr.message, /^couldn't get version\/kind; json parse error: json: cannot unmarshal array into Go value of type struct/);
  });

  it('validates values as upstream (422)', () => {
    const dry = refused(() => deleteParamsOf(noQuery, { dryRun: ['x'] }));
    assert.equal(dry.code, 422);
    assert.equal(dry.message, 'DeleteOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: []string{"x"}: supported values: "All"');
    assert.equal(refused(() => deleteParamsOf(noQuery, { propagationPolicy: 'Sideways' })).code, 422);
    assert.equal(refused(() => deleteParamsOf(noQuery, { propagationPolicy: 'Orphan', orphanDependents: false })).code, 422);
  });

  it('reads a good body and ignores the query when a body is present', () => {
    const q = new URLSearchParams('dryRun=All&gracePeriodSeconds=5');
    const p = deleteParamsOf(q, { gracePeriodSeconds: 0, preconditions: { uid: 'u', resourceVersion: '7' }, orphanDependents: true });
    assert.deepEqual(p, { dryRun: false, gracePeriodSeconds: 0, propagationPolicy: 'Orphan', preconditions: { uid: 'u', resourceVersion: '7' } });
    assert.deepEqual(deleteParamsOf(q, undefined), { dryRun: true, gracePeriodSeconds: 5 });
    assert.deepEqual(deleteParamsOf(noQuery, null), { dryRun: false });
  });

  it('refuses a bad orphanDependents or gracePeriodSeconds in the query', () => {
    assert.equal(refused(() => deleteParamsOf(new URLSearchParams('orphanDependents=maybe'), undefined)).code, 400);
    assert.equal(refused(() => deleteParamsOf(new URLSearchParams('gracePeriodSeconds=x'), undefined)).code, 400);
  });
});

describe('dryRun query parameter', () => {
  it('is 422 Invalid on the options kind for values other than All', () => {
    const e = refused(() => dryRunOf(new URLSearchParams('dryRun=All&dryRun=x'), 'CreateOptions'));
    assert.equal(e.code, 422);
    assert.equal(e.message, 'CreateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: []string{"All", "x"}: supported values: "All"');
    assert.equal(dryRunOf(new URLSearchParams('dryRun=All'), 'PatchOptions'), true);
  });
});
