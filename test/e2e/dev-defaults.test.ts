// `make run` starts clean: hack/local-up.sh gives the server a loopback advertise address with
// --endpoint-reconciler-type=none (upstream accepts both; Endpoints validation refuses loopback
// IPs, so the lease reconciler would fail every 10 s). A loopback address with a reconciler
// that writes Endpoints is a real misconfiguration and is said once at startup.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestServer } from '../helpers/server.js';

const repoRoot = resolve(new URL('../../..', import.meta.url).pathname);

describe('dev defaults', () => {
  it('hack/local-up.sh runs the server with a reconciler that suits one local server', () => {
    const script = readFileSync(resolve(repoRoot, 'hack/local-up.sh'), 'utf8');
    assert.match(script, /--advertise-address=127\.0\.0\.1 \\\n\s+--endpoint-reconciler-type=none \\/);
  });

  it('no kubernetes service sync failures with those flags; the kubernetes Service still exists', async () => {
    const s = await startTestServer(['--endpoint-reconciler-type=none']);
    try {
      // Past one reconcile interval (10 s).
      await sleep(11_000);
      assert.doesNotMatch(s.logs(), /kubernetes service sync failed/);
      assert.doesNotMatch(s.logs(), /advertise address is a loopback address/);
      assert.match(await s.kubectlOk(['get', 'service', 'kubernetes', '-n', 'default', '-o', 'name']), /service\/kubernetes/);
    } finally {
      await s.stop();
    }
  });

  it('says once at startup why a loopback address cannot be listed by the lease reconciler', async () => {
    const s = await startTestServer();
    try {
      await sleep(2_000);
      const said = s.logs().match(/advertise address is a loopback address/g) ?? [];
      assert.equal(said.length, 1, s.logs().slice(-2000));
    } finally {
      await s.stop();
    }
  });
});
