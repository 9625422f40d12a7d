// The container image: (1) the runtime layout the Dockerfile's final stage copies (package.json,
// production node_modules, dist/src), started with bare `node` from a temp dir, serves /livez;
// (2) where buildah works, the image built with locally assembled bases (hack/image-base.sh)
// runs the server as non-root against a real etcd on 127.0.0.1, with no shell or npm inside.
// needs etcd: the image runs against etcd
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { writeDevPki } from '../../src/testing/dev-pki.js';
import { startEtcd, type EtcdHandle } from '../helpers/etcd.js';
import { waitFor200 } from '../helpers/probe.js';
import { freePort } from '../helpers/server.js';
import { repoRoot } from '../helpers/static-pod.js';

const run = promisify(execFile);
const BUILDAH = ['--storage-driver=vfs'];
const IMAGE = 'localhost/kube-apiserver-ts:e2e';

/** Sources of the final stage's COPY instructions (the stage after the last FROM). */
function finalStageCopies(): string[] {
  const lines = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8').split('\n');
  const lastFrom = lines.map(l => /^FROM\s/i.test(l)).lastIndexOf(true);
  return lines.slice(lastFrom).filter(l => /^COPY\s/i.test(l)).map(l => l.trim().split(/\s+/).filter(w => !w.startsWith('--')).slice(1, -1)).flat();
}

/** node_modules/... paths the lockfile marks as needed by dev dependencies alone. */
function devOnlyPackages(): string[] {
  const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
  const dev = Object.entries(lock.packages).filter(([path, p]) => path !== '' && p.dev === true).map(([path]) => path);
  assert.ok(dev.some(p => p === 'node_modules/typescript'), 'the lockfile marks typescript as dev-only');
  return dev;
}

function serverFlags(port: number, pki: string, etcd: { endpoint: string; ca: string; cert: string; key: string }): string[] {
  return [
    `--secure-port=${port}`, '--bind-address=127.0.0.1', '--advertise-address=127.0.0.1',
    `--tls-cert-file=${pki}/apiserver.crt`, `--tls-private-key-file=${pki}/apiserver.key`, `--client-ca-file=${pki}/ca.crt`,
    `--etcd-servers=${etcd.endpoint}`, `--etcd-cafile=${etcd.ca}`, `--etcd-certfile=${etcd.cert}`, `--etcd-keyfile=${etcd.key}`,
    '--service-cluster-ip-range=10.96.0.0/12', '--cert-dir=/tmp/kas-e2e-certs',
    // RBAC lets anonymous requests (as the kubelet's probes are) read /livez and /readyz.
    '--authorization-mode=Node,RBAC',
  ];
}

async function stopProcess(child: ChildProcess, group: boolean): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const signal = (s: NodeJS.Signals) => (group && child.pid ? process.kill(-child.pid, s) : child.kill(s));
  signal('SIGTERM');
  await new Promise<void>(r => {
    const t = setTimeout(() => {
      signal('SIGKILL');
      r();
    }, 10_000);
    child.once('exit', () => {
      clearTimeout(t);
      r();
    });
  });
}

describe('image', () => {
  let etcd: EtcdHandle;
  let dir: string;
  let pki: string;
  before(async () => {
    etcd = await startEtcd();
    dir = mkdtempSync(join(tmpdir(), 'kas-image-'));
    pki = join(dir, 'pki');
    await writeDevPki(pki, { serverUrl: 'https://127.0.0.1:6443' });
    copyFileSync(etcd.caFile, join(pki, 'etcd-ca.crt'));
    copyFileSync(etcd.certFile, join(pki, 'etcd-client.crt'));
    copyFileSync(etcd.keyFile, join(pki, 'etcd-client.key'));
    // Throwaway test keys, readable by the image's non-root user.
    chmodSync(dir, 0o755);
    for (const f of readdirSync(pki, { recursive: true, withFileTypes: true })) {
      chmodSync(join(f.parentPath, f.name), f.isDirectory() ? 0o755 : 0o644);
    }
    chmodSync(pki, 0o755);
  });
  after(async () => {
    await etcd?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the runtime layout the Dockerfile copies starts with bare node and serves /livez', async () => {
    assert.deepEqual(finalStageCopies().sort(), ['/src/dist/src', '/src/node_modules', '/src/package.json']);
    const app = join(dir, 'app');
    mkdirSync(app);
    copyFileSync(join(repoRoot, 'package.json'), join(app, 'package.json'));
    copyFileSync(join(repoRoot, 'package-lock.json'), join(app, 'package-lock.json'));
    await run('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: app, timeout: 120_000 });
    rmSync(join(app, 'package-lock.json'));
    cpSync(join(repoRoot, 'dist/src'), join(app, 'dist/src'), { recursive: true });
    assert.ok(existsSync(join(app, 'node_modules/express')));
    for (const dev of devOnlyPackages()) assert.ok(!existsSync(join(app, dev)), `dev-only package ${dev} installed`);

    const port = await freePort();
    const flags = serverFlags(port, pki, { endpoint: etcd.endpoint, ca: join(pki, 'etcd-ca.crt'), cert: join(pki, 'etcd-client.crt'), key: join(pki, 'etcd-client.key') });
    const child = spawn(process.execPath, [join(app, 'dist/src/cmd/kube-apiserver.js'), ...flags], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    try {
      await waitFor200(port, '/livez', { timeoutMs: 40_000, exited: () => child.exitCode !== null, describe: () => output.slice(-4000) });
    } finally {
      await stopProcess(child, false);
    }
  });

  test('the image built with local bases runs the server as non-root', async t => {
    const buildah = await run('buildah', ['--version']).catch((e: Error) => e);
    if (buildah instanceof Error) {
      const reason = `buildah cannot run here (${buildah.message.split('\n')[0]}); install it with apt-get install -y buildah`;
      console.log(`# skipped: ${reason}`);
      t.skip(reason);
      return;
    }
    const bases = await run('bash', [join(repoRoot, 'hack/image-base.sh')], { timeout: 120_000 });
    const base = /^BASE=(.+)$/m.exec(bases.stdout)![1]!;
    const builder = /^BUILDER=(.+)$/m.exec(bases.stdout)![1]!;
    mkdirSync(join(homedir(), '.npm'), { recursive: true });
    await run('buildah', [
      ...BUILDAH, 'bud', '--isolation=chroot', '--network=host', '--quiet',
      '-v', `${join(homedir(), '.npm')}:/root/.npm`, '--build-arg', `BASE=${base}`, '--build-arg', `BUILDER=${builder}`,
      '-t', IMAGE, repoRoot,
    ], { timeout: 300_000, maxBuffer: 64 * 1024 * 1024 });

    const inspect = JSON.parse((await run('buildah', [...BUILDAH, 'inspect', '--type', 'image', IMAGE])).stdout) as {
      OCIv1: { config: { User?: string; Entrypoint?: string[]; Labels?: Record<string, string> } };
    };
    const config = inspect.OCIv1.config;
    assert.equal(config.User, '65532:65532');
    assert.deepEqual(config.Entrypoint, ['/nodejs/bin/node', '/app/dist/src/cmd/kube-apiserver.js']);
    assert.equal(config.Labels?.['org.opencontainers.image.title'], 'kube-apiserver-ts');
    assert.equal(config.Labels?.['org.opencontainers.image.base.name'], base);

    const ctr = (await run('buildah', [...BUILDAH, 'from', '--quiet', IMAGE])).stdout.trim();
    try {
      const contents = await run('buildah', [...BUILDAH, 'run', '--isolation=chroot', ctr, '--', '/nodejs/bin/node', '-e',
        'const fs=require("fs");console.log(JSON.stringify({uid:process.getuid(),shell:fs.existsSync("/bin/sh"),npm:fs.existsSync("/app/node_modules/npm")||fs.existsSync("/usr/local/bin/npm"),typescript:fs.existsSync("/app/node_modules/typescript"),app:fs.readdirSync("/app").sort()}))']);
      assert.deepEqual(JSON.parse(contents.stdout), { uid: 65532, shell: false, npm: false, typescript: false, app: ['dist', 'node_modules', 'package.json'] });

      const port = await freePort();
      const flags = serverFlags(port, '/pki', { endpoint: etcd.endpoint, ca: '/pki/etcd-ca.crt', cert: '/pki/etcd-client.crt', key: '/pki/etcd-client.key' });
      const child = spawn('buildah', [...BUILDAH, 'run', '--isolation=chroot', '--network=host', '-v', `${pki}:/pki:ro`, ctr, '--',
        '/nodejs/bin/node', '/app/dist/src/cmd/kube-apiserver.js', ...flags], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      let output = '';
      child.stdout.on('data', (c: Buffer) => (output += c.toString()));
      child.stderr.on('data', (c: Buffer) => (output += c.toString()));
      try {
        await waitFor200(port, '/livez', { timeoutMs: 60_000, exited: () => child.exitCode !== null, describe: () => output.slice(-4000) });
        await waitFor200(port, '/readyz', { timeoutMs: 30_000, exited: () => child.exitCode !== null, describe: () => output.slice(-4000) });
      } finally {
        await stopProcess(child, true);
      }
    } finally {
      await run('buildah', [...BUILDAH, 'rm', ctr]).catch(() => undefined);
      // vfs keeps full copies: leave only the (cached) base images behind.
      await run('buildah', [...BUILDAH, 'rmi', IMAGE]).catch(() => undefined);
    }
  });
});
