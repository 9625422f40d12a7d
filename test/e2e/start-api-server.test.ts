// startApiServer, the programmatic start for test suites: in process and as a child, a kubeconfig
// kubectl accepts, data kept across restarts on one dataDir, a second server on the same database
// refused, and start-up failures reported with the server's own message.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startApiServer, type ApiServer } from '../../src/testing/start-test-server.js';

const dir = mkdtempSync(join(tmpdir(), 'start-api-server-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function kubectl(api: ApiServer, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise(res => {
    execFile('kubectl', [`--kubeconfig=${api.kubeconfigPath}`, ...args], { timeout: 30_000 }, (err, stdout, stderr) => {
      res({ code: err ? 1 : 0, stdout, stderr });
    });
  });
}

describe('startApiServer', () => {
  it('in process: serves kubectl with the returned kubeconfig and removes its temporary directory on stop', async () => {
    const api = await startApiServer({ inProcess: true });
    try {
      assert.match(api.url, /^https:\/\/127\.0\.0\.1:\d+$/);
      assert.match(api.kubeconfig, new RegExp(`server: ${api.url}`));
      assert.equal(api.databasePath, join(api.dataDir, 'storage.db'));
      const r = await kubectl(api, ['get', 'namespaces', '-o', 'name']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^namespace\/default$/m);
    } finally {
      await api.stop();
    }
    assert.equal(existsSync(api.dataDir), false);
  });

  it('as a child on a dataDir: objects survive a restart, and a second server on the database is refused', async () => {
    const dataDir = join(dir, 'kept');
    const first = await startApiServer({ dataDir });
    try {
      const created = await kubectl(first, ['create', 'configmap', 'kept', '--from-literal=a=1']);
      assert.equal(created.code, 0, created.stderr);
      await assert.rejects(startApiServer({ dataDir, readyTimeoutMs: 15_000 }), (e: Error) => {
        assert.match(e.message, /kube-apiserver exited \(1\)/);
        assert.match(e.message, new RegExp(`Error: sqlite storage: ${join(dataDir, 'storage.db')} is in use by another process`));
        return true;
      });
    } finally {
      await first.stop();
    }
    assert.ok(existsSync(join(dataDir, 'storage.db')), 'a given dataDir is kept');
    const second = await startApiServer({ dataDir });
    try {
      const r = await kubectl(second, ['get', 'configmap', 'kept', '-o', 'jsonpath={.data.a}']);
      assert.equal(r.stdout, '1', r.stderr);
    } finally {
      await second.stop();
    }
  });

  it('invalid flags reject with upstream-style messages, in process and as a child', async () => {
    await assert.rejects(startApiServer({ inProcess: true, flags: ['--max-requests-inflight=-1'] }), /^Error: kube-apiserver flags: --max-requests-inflight can not be negative value$/);
    await assert.rejects(startApiServer({ flags: ['--max-requests-inflight=-1'] }), /Error: --max-requests-inflight can not be negative value/);
  });
});
