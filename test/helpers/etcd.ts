// Starts a real etcd (Debian's 3.4) on 127.0.0.1 with mTLS, for integration and e2e tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { after, before } from 'node:test';
import { createCA, issueCert } from '../../src/server/pki.js';
import type { Etcd3StorageOptions } from '../../src/storage/etcd3/index.js';
import { freePort } from '../../src/testing/start-test-server.js';

/** An etcd3 client of its own (the library the server uses) with the server's client certificate, to read and write etcd directly. */
export function rawClient(h: EtcdHandle): Etcd3 {
  return new Etcd3({
    hosts: [h.endpoint],
    credentials: { rootCertificate: readFileSync(h.caFile), certChain: readFileSync(h.certFile), privateKey: readFileSync(h.keyFile) },
  });
}

/**
 * An etcd and a raw client for the calling suite: started in its before hook, stopped in its after
 * hook. Read the fields inside tests (they are set once before has run).
 */
export function useEtcd(): { etcd: EtcdHandle; raw: Etcd3 } {
  const ctx = {} as { etcd: EtcdHandle; raw: Etcd3 };
  before(async () => {
    ctx.etcd = await startEtcd();
    ctx.raw = rawClient(ctx.etcd);
  });
  after(async () => {
    ctx.raw?.close();
    await ctx.etcd?.stop();
  });
  return ctx;
}

/** Etcd3Storage options that reach this etcd, with the periodic compactor off. */
export function storageOptions(h: EtcdHandle, extra: Partial<Etcd3StorageOptions> = {}): Etcd3StorageOptions {
  return { endpoints: [h.endpoint], caFile: h.caFile, certFile: h.certFile, keyFile: h.keyFile, compactionIntervalMs: 0, ...extra };
}

export interface EtcdHandle {
  /** https://localhost:PORT (a name, not an IP: Node warns about IP SNI). */
  endpoint: string;
  caFile: string;
  /** Client cert and key the API server presents to etcd. */
  certFile: string;
  keyFile: string;
  dataDir: string;
  stop(): Promise<void>;
  /** SIGKILL, for outage tests; restart() brings it back on the same ports and data. */
  kill(): void;
  restart(): Promise<void>;
}

function findEtcd(): string {
  const candidates = ['/usr/bin/etcd', ...(process.env.PATH ?? '').split(delimiter).map((d) => join(d, 'etcd'))];
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // try the next one
    }
  }
  throw new Error('etcd not found (looked in /usr/bin/etcd and PATH): run `apt-get install -y etcd-server`');
}

function healthy(port: number, tls: { ca: string; cert: string; key: string }): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(
      { host: '127.0.0.1', servername: 'localhost', port, path: '/health', timeout: 1000, ...tls },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve(res.statusCode === 200 && body.includes('"health":"true"')));
      },
    );
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

export async function startEtcd(): Promise<EtcdHandle> {
  const bin = findEtcd();
  const dir = mkdtempSync(join(tmpdir(), 'etcd-test-'));
  const dataDir = join(dir, 'data');
  // ECDSA keys: as valid for Go as RSA, and much faster to make.
  const ca = await createCA('etcd-ca', { keyAlgorithm: 'ecdsa' });
  const server = await issueCert({
    ca,
    commonName: 'etcd-server',
    usage: 'both',
    dnsNames: ['localhost'],
    ipAddresses: ['127.0.0.1'],
    keyAlgorithm: 'ecdsa',
  });
  const client = await issueCert({
    ca,
    commonName: 'kube-apiserver-etcd-client',
    usage: 'client',
    keyAlgorithm: 'ecdsa',
  });
  const file = (name: string, content: string) => {
    const p = join(dir, name);
    writeFileSync(p, content, { mode: 0o600 });
    return p;
  };
  const caFile = file('ca.crt', ca.certPem);
  const serverCert = file('server.crt', server.certPem);
  const serverKey = file('server.key', server.keyPem);
  const certFile = file('client.crt', client.certPem);
  const keyFile = file('client.key', client.keyPem);

  const clientPort = await freePort();
  const peerPort = await freePort();
  const peerUrl = `http://127.0.0.1:${peerPort}`;
  const args = [
    '--name=default',
    `--data-dir=${dataDir}`,
    `--listen-client-urls=https://127.0.0.1:${clientPort}`,
    `--advertise-client-urls=https://localhost:${clientPort}`,
    `--listen-peer-urls=${peerUrl}`,
    `--initial-advertise-peer-urls=${peerUrl}`,
    `--initial-cluster=default=${peerUrl}`,
    '--client-cert-auth',
    `--trusted-ca-file=${caFile}`,
    `--cert-file=${serverCert}`,
    `--key-file=${serverKey}`,
    '--logger=zap',
    '--log-outputs=stderr',
    '--log-level=error',
  ];
  const tls = { ca: ca.certPem, cert: client.certPem, key: client.keyPem };

  let child: ChildProcess | undefined;
  let stderr = '';
  const onExit = () => {
    child?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', onExit);

  const launch = async (): Promise<void> => {
    stderr = '';
    const proc = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    proc.stderr?.on('data', (c: Buffer) => {
      stderr = (stderr + c.toString()).slice(-4000);
    });
    child = proc;
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      if (proc.exitCode !== null || proc.signalCode !== null) {
        throw new Error(`etcd exited (${proc.exitCode ?? proc.signalCode}): ${stderr}`);
      }
      if (await healthy(clientPort, tls)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    proc.kill('SIGKILL');
    throw new Error(`etcd did not become healthy within 20s: ${stderr}`);
  };

  const waitExit = (proc: ChildProcess): Promise<void> =>
    proc.exitCode !== null || proc.signalCode !== null
      ? Promise.resolve()
      : new Promise((resolve) => proc.once('exit', () => resolve()));

  try {
    await launch();
  } catch (e) {
    onExit();
    process.removeListener('exit', onExit);
    throw e;
  }

  return {
    endpoint: `https://localhost:${clientPort}`,
    caFile,
    certFile,
    keyFile,
    dataDir,
    async stop() {
      const proc = child;
      child = undefined;
      if (proc) {
        proc.kill('SIGTERM');
        await waitExit(proc);
      }
      rmSync(dir, { recursive: true, force: true });
      process.removeListener('exit', onExit);
    },
    kill() {
      child?.kill('SIGKILL');
    },
    async restart() {
      const proc = child;
      if (proc) {
        proc.kill('SIGKILL');
        await waitExit(proc);
      }
      await launch();
    },
  };
}

