// Starts the real server process (src/testing/start-test-server.ts) with a dev PKI, on a real
// etcd or, with KAS_TEST_STORAGE=sqlite, the embedded store, for end-to-end tests, and gives
// kubectl and HTTPS helpers pointed at it.
import { execFile } from 'node:child_process';
import { request, type RequestOptions } from 'node:https';
import type { DevPkiPaths } from '../../src/testing/dev-pki.js';
import { startApiServer, type ApiServer } from '../../src/testing/start-test-server.js';
import { startEtcd, type EtcdHandle } from './etcd.js';

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
  /** The backend this server stores in. */
  storage: 'etcd3' | 'sqlite';
  /** The etcd behind it; throws on the sqlite backend (a suite about etcd itself passes storage: 'etcd3'). */
  etcd: EtcdHandle;
  /** The sqlite database file (sqlite backend only). */
  databasePath: string | undefined;
  /** The server's data directory (PKI, kubeconfig, sqlite file). */
  dataDir: string;
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

export { freePort } from '../../src/testing/start-test-server.js';

/** The backend e2e suites run on: KAS_TEST_STORAGE=sqlite for the embedded store, etcd otherwise. */
export function testStorage(): 'etcd3' | 'sqlite' {
  return process.env['KAS_TEST_STORAGE'] === 'sqlite' ? 'sqlite' : 'etcd3';
}

export interface TestServerOptions {
  /** Share an etcd (e.g. two servers, or a benchmark's raw baseline); implies the etcd backend. */
  etcd?: EtcdHandle;
  /** Omit --tls-cert-file so the server generates a self-signed cert; requests skip verification. */
  selfSignedServing?: boolean;
  /** Flags that name files of the dev PKI (front-proxy CA, service-account keys). */
  pkiFlags?: (pki: DevPkiPaths) => string[];
  /** The backend, overriding KAS_TEST_STORAGE (a suite about etcd itself says etcd3). */
  storage?: 'etcd3' | 'sqlite';
  /** Options for the server's node (a benchmark's --cpu-prof). */
  nodeFlags?: string[];
}

export async function startTestServer(extraFlags: string[] = [], opts: TestServerOptions = {}): Promise<TestServer> {
  const storage = opts.etcd ? 'etcd3' : opts.storage ?? testStorage();
  const etcd = storage === 'sqlite' ? undefined : opts.etcd ?? (await startEtcd());
  let api: ApiServer;
  try {
    api = await startApiServer({
      ...(etcd ? { etcd: { servers: [etcd.endpoint], caFile: etcd.caFile, certFile: etcd.certFile, keyFile: etcd.keyFile } } : {}),
      ...(opts.selfSignedServing ? { selfSignedServing: true } : {}),
      ...(opts.nodeFlags ? { nodeFlags: opts.nodeFlags } : {}),
      flags: pki => [...(opts.pkiFlags ? opts.pkiFlags(pki) : []), ...extraFlags],
    });
  } catch (e) {
    if (etcd && !opts.etcd) await etcd.stop();
    throw e;
  }
  const { url, port, pki, kubeconfigPath: kubeconfig, admin: creds, logs } = api;

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

  return {
    url, port, pid: api.pid, storage, pki, kubeconfig, kubectl, http, logs, databasePath: api.databasePath, dataDir: api.dataDir,
    get etcd(): EtcdHandle {
      if (!etcd) throw new Error('this server runs on the embedded sqlite backend (KAS_TEST_STORAGE=sqlite); the suite needs storage: \'etcd3\'');
      return etcd;
    },
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
    signal: api.signal,
    exited: api.exited,
    async stop() {
      await api.stop();
      if (etcd && !opts.etcd) await etcd.stop();
    },
  };
}
