// Starts the real server process (bin/kube-apiserver) against a real etcd with a dev PKI, for
// end-to-end tests, and gives kubectl and HTTPS helpers pointed at it.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request, type RequestOptions } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { writeDevPki, type DevPkiPaths } from '../../hack/dev-pki.js';
import { startEtcd, type EtcdHandle } from './etcd.js';

const repoRoot = resolve(new URL('../../..', import.meta.url).pathname);

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The body as received (protobuf, say); set by TestServer.http. */
  bytes?: Buffer;
  json<T = Record<string, unknown>>(): T;
}

export interface TestServer {
  url: string;
  port: number;
  /** The server process's id (benchmarks read its RSS from /proc). */
  pid: number;
  etcd: EtcdHandle;
  pki: DevPkiPaths;
  kubeconfig: string;
  /** Runs kubectl with the admin kubeconfig; resolves even on a non-zero exit. */
  kubectl(args: string[], opts?: { input?: string; timeoutMs?: number }): Promise<{ code: number; stdout: string; stderr: string }>;
  /** kubectl that must succeed: its stdout, or a failure naming the command, its stderr and the server log's tail. */
  kubectlOk(args: string[], input?: string): Promise<string>;
  /** An HTTPS request as the admin user (client cert) unless `anonymous` is set or another `clientCert` is given. */
  http(method: string, path: string, opts?: { body?: string | Buffer; headers?: Record<string, string>; anonymous?: boolean; clientCert?: { cert: string; key: string } }): Promise<HttpResult>;
  logs(): string;
  /**
   * Creates the "default" ServiceAccount of a namespace, standing in for kube-controller-manager's
   * serviceaccounts controller: the ServiceAccount admission plugin refuses pods without it.
   */
  defaultServiceAccount(namespace: string): Promise<void>;
  /** Sends a signal to the server process (e.g. SIGTERM to test graceful shutdown). */
  signal(sig: NodeJS.Signals): void;
  /** Resolves with the exit code once the server process has exited. */
  exited(): Promise<number | null>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const p = typeof a === 'object' && a ? a.port : 0;
      s.close(() => res(p));
    });
  });
}

interface AdminCreds { ca: string; cert: string; key: string }

function adminCreds(adminConf: string): AdminCreds {
  const cfg = parse(readFileSync(adminConf, 'utf8')) as {
    clusters: { cluster: { 'certificate-authority-data': string } }[];
    users: { user: { 'client-certificate-data': string; 'client-key-data': string } }[];
  };
  const d = (s: string) => Buffer.from(s, 'base64').toString('utf8');
  return { ca: d(cfg.clusters[0]!.cluster['certificate-authority-data']), cert: d(cfg.users[0]!.user['client-certificate-data']), key: d(cfg.users[0]!.user['client-key-data']) };
}

function writeKubeconfig(adminConf: string, url: string, out: string): void {
  const cfg = parse(readFileSync(adminConf, 'utf8')) as { clusters: { cluster: { server: string } }[] };
  cfg.clusters[0]!.cluster.server = url;
  writeFileSync(out, stringify(cfg), { mode: 0o600 });
}

async function waitReady(http: TestServer['http'], proc: ChildProcess, logs: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`kube-apiserver exited with ${proc.exitCode}:\n${logs()}`);
    try {
      const r = await http('GET', '/readyz');
      if (r.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise(r => setTimeout(r, 200));
  }
  throw new Error(`kube-apiserver did not become ready:\n${logs()}`);
}

export interface TestServerOptions {
  /** Share an etcd (e.g. two servers, or a benchmark's raw baseline). */
  etcd?: EtcdHandle;
  /** Omit --tls-cert-file so the server generates a self-signed cert; requests skip verification. */
  selfSignedServing?: boolean;
  /** Flags that name files of the dev PKI (front-proxy CA, service-account keys). */
  pkiFlags?: (pki: DevPkiPaths) => string[];
}

export async function startTestServer(extraFlags: string[] = [], opts: TestServerOptions = {}): Promise<TestServer> {
  const etcd = opts.etcd ?? (await startEtcd());
  const dir = mkdtempSync(join(tmpdir(), 'kas-e2e-'));
  const port = await freePort();
  const url = `https://127.0.0.1:${port}`;
  const pki = await writeDevPki(join(dir, 'pki'), { serverUrl: url });
  const kubeconfig = join(dir, 'kubeconfig');
  writeKubeconfig(pki.adminConf, url, kubeconfig);
  const creds = adminCreds(pki.adminConf);

  const args = [
    `--secure-port=${port}`, '--bind-address=127.0.0.1', '--advertise-address=127.0.0.1',
    ...(opts.selfSignedServing ? [] : [`--tls-cert-file=${pki.apiserverCert}`, `--tls-private-key-file=${pki.apiserverKey}`]),
    `--client-ca-file=${pki.caCert}`,
    `--etcd-servers=${etcd.endpoint}`, `--etcd-cafile=${etcd.caFile}`, `--etcd-certfile=${etcd.certFile}`, `--etcd-keyfile=${etcd.keyFile}`,
    `--etcd-prefix=/registry`, '--service-cluster-ip-range=10.96.0.0/12', `--cert-dir=${join(dir, 'certs')}`,
    ...(opts.pkiFlags ? opts.pkiFlags(pki) : []),
    ...extraFlags,
  ];
  const proc = spawn(join(repoRoot, 'bin/kube-apiserver'), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stdout!.on('data', (c: Buffer) => { output += c.toString(); });
  proc.stderr!.on('data', (c: Buffer) => { output += c.toString(); });
  const logs = () => output;

  const http: TestServer['http'] = (method, path, o = {}) => new Promise((res, rej) => {
    const ro: RequestOptions = {
      host: '127.0.0.1', port, path, method, servername: 'localhost',
      ...(opts.selfSignedServing ? { rejectUnauthorized: false } : { ca: creds.ca }),
      // Node sends a DELETE body without framing unless Content-Length is set.
      headers: { ...(o.body !== undefined ? { 'Content-Length': String(Buffer.byteLength(o.body)) } : {}), ...(o.headers ?? {}) },
      ...(o.clientCert ?? (o.anonymous ? {} : { cert: creds.cert, key: creds.key })),
    };
    const req = request(ro, r => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => {
        const bytes = Buffer.concat(chunks);
        const body = bytes.toString('utf8');
        res({ status: r.statusCode ?? 0, headers: r.headers, body, bytes, json: <T>() => JSON.parse(body) as T });
      });
      r.on('error', rej);
    });
    req.on('error', rej);
    if (o.body !== undefined) req.end(o.body);
    else req.end();
  });

  const kubectl: TestServer['kubectl'] = (kargs, o = {}) => new Promise(res => {
    const child = execFile('kubectl', [`--kubeconfig=${kubeconfig}`, ...kargs], { timeout: o.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      res({ code, stdout, stderr });
    });
    if (o.input !== undefined) child.stdin!.end(o.input);
    else child.stdin!.end();
  });

  try {
    await waitReady(http, proc, logs);
  } catch (e) {
    proc.kill('SIGKILL');
    if (!opts.etcd) await etcd.stop();
    throw e;
  }

  return {
    url, port, pid: proc.pid ?? 0, etcd, pki, kubeconfig, kubectl, http, logs,
    async kubectlOk(args, input) {
      const r = await kubectl(args, input !== undefined ? { input } : {});
      if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${r.stderr}\n--- server log tail ---\n${logs().slice(-3000)}`);
      return r.stdout;
    },
    async defaultServiceAccount(namespace) {
      const r = await http('POST', `/api/v1/namespaces/${namespace}/serviceaccounts`, {
        body: JSON.stringify({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } }), headers: { 'Content-Type': 'application/json' },
      });
      if (r.status !== 201 && r.status !== 409) throw new Error(`creating ${namespace}/default ServiceAccount: ${r.status} ${r.body}`);
    },
    signal: sig => { proc.kill(sig); },
    exited: () => proc.exitCode !== null ? Promise.resolve(proc.exitCode) : new Promise(r => proc.once('exit', code => r(code))),
    async stop() {
      if (proc.exitCode === null) {
        proc.kill('SIGTERM');
        await new Promise<void>(r => {
          const t = setTimeout(() => { proc.kill('SIGKILL'); r(); }, 10_000);
          proc.once('exit', () => { clearTimeout(t); r(); });
        });
      }
      if (!opts.etcd) await etcd.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
