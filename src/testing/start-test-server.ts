/**
 * A real API server for test suites, as envtest gives Go controllers, with nothing to download:
 * embedded sqlite storage (or an etcd you name), a fresh dev PKI, a free port, and an admin
 * kubeconfig. The server runs in a child process (default: kill -9 and restarts are possible) or
 * in this process (faster, shares the event loop).
 *
 *   const api = await startApiServer();
 *   process.env.KUBECONFIG = api.kubeconfigPath;
 *   ...
 *   await api.stop();
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { toServerConfig } from '../cmd/server-config.js';
import { buildOptions, validateOptions } from '../options/options.js';
import { parseFlags } from '../options/parse.js';
import { startServer } from '../server/run.js';
import { writeDevPki, type DevPkiPaths } from './dev-pki.js';

const ENTRYPOINT = fileURLToPath(new URL('../cmd/kube-apiserver.js', import.meta.url));

/** An etcd to use instead of the embedded store. */
export interface EtcdTarget {
  servers: string[];
  caFile?: string;
  certFile?: string;
  keyFile?: string;
}

export interface StartApiServerOptions {
  /** The HTTPS port on 127.0.0.1; a free one when unset. */
  port?: number;
  /**
   * Where the PKI, kubeconfig and sqlite database live. Kept on stop(), so a second server on the
   * same directory sees the same data; when unset a temporary directory is made and removed.
   */
  dataDir?: string;
  /** Run in this process instead of a child (no logs(), signal() or kill -9). */
  inProcess?: boolean;
  /** Store in this etcd instead of dataDir/storage.db. */
  etcd?: EtcdTarget;
  /** Let the server make a self-signed serving certificate instead of the dev PKI's. */
  selfSignedServing?: boolean;
  /** More kube-apiserver flags; a function gets the PKI's paths (front-proxy CA, service-account keys). */
  flags?: string[] | ((pki: DevPkiPaths) => string[]);
  /** How long to wait for /readyz (default 30 s). */
  readyTimeoutMs?: number;
  /** Options for the child's node, e.g. --cpu-prof (which NODE_OPTIONS does not take). */
  nodeArgs?: string[];
}

export interface ApiServer {
  url: string;
  port: number;
  /** The server's process id (benchmarks read its RSS from /proc). */
  pid: number;
  /** The admin kubeconfig (system:masters client certificate) as YAML, and the file holding it. */
  kubeconfig: string;
  kubeconfigPath: string;
  pki: DevPkiPaths;
  dataDir: string;
  /** The sqlite database file, or undefined on etcd. */
  databasePath: string | undefined;
  /** The admin's TLS material, for HTTPS clients other than kubectl. */
  admin: { ca: string; cert: string; key: string };
  /** The child's stdout and stderr so far ('' in process). */
  logs(): string;
  /** Signals the child (SIGKILL for crash tests); in process only SIGTERM, which stops the server. */
  signal(sig: NodeJS.Signals): void;
  /** Resolves with the child's exit code (null when killed by a signal) once it has exited. */
  exited(): Promise<number | null>;
  /** SIGTERM (SIGKILL after 10 s), then removes a temporary dataDir. */
  stop(): Promise<void>;
}

/** A port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

function adminKubeconfig(pki: DevPkiPaths, url: string): { yaml: string; admin: ApiServer['admin'] } {
  const cfg = parse(readFileSync(pki.adminConf, 'utf8')) as {
    clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
    users: { user: { 'client-certificate-data': string; 'client-key-data': string } }[];
  };
  cfg.clusters[0]!.cluster.server = url;
  const d = (s: string) => Buffer.from(s, 'base64').toString('utf8');
  const admin = { ca: d(cfg.clusters[0]!.cluster['certificate-authority-data']), cert: d(cfg.users[0]!.user['client-certificate-data']), key: d(cfg.users[0]!.user['client-key-data']) };
  return { yaml: stringify(cfg), admin };
}

function storageFlags(opts: StartApiServerOptions, databasePath: string | undefined): string[] {
  const etcd = opts.etcd;
  if (!etcd) return ['--storage-backend=sqlite', `--storage-sqlite-path=${databasePath}`];
  return [
    `--etcd-servers=${etcd.servers.join(',')}`,
    ...(etcd.caFile ? [`--etcd-cafile=${etcd.caFile}`] : []),
    ...(etcd.certFile ? [`--etcd-certfile=${etcd.certFile}`] : []),
    ...(etcd.keyFile ? [`--etcd-keyfile=${etcd.keyFile}`] : []),
  ];
}

function readyz(port: number, admin: ApiServer['admin'], selfSigned: boolean): Promise<boolean> {
  return new Promise(resolve => {
    const req = request({
      host: '127.0.0.1', port, path: '/readyz', servername: 'localhost', timeout: 2000, cert: admin.cert, key: admin.key,
      ...(selfSigned ? { rejectUnauthorized: false } : { ca: admin.ca }),
    }, res => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

interface Process {
  /** The server's process id (this process for an in-process server). */
  pid: number;
  logs(): string;
  signal(sig: NodeJS.Signals): void;
  exited(): Promise<number | null>;
  /** Set once it has exited (a child that died, an in-process server whose start failed). */
  failure(): string | undefined;
  stop(): Promise<void>;
}

function childProcess(args: string[], nodeArgs: string[]): Process {
  const proc: ChildProcess = spawn(process.execPath, [...nodeArgs, ENTRYPOINT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stdout!.on('data', (c: Buffer) => { output += c.toString(); });
  proc.stderr!.on('data', (c: Buffer) => { output += c.toString(); });
  const exited = () => (proc.exitCode !== null || proc.signalCode !== null
    ? Promise.resolve(proc.exitCode)
    : new Promise<number | null>(r => proc.once('exit', code => r(code))));
  return {
    pid: proc.pid ?? 0,
    logs: () => output,
    signal: sig => { proc.kill(sig); },
    exited,
    failure: () => (proc.exitCode !== null || proc.signalCode !== null ? `kube-apiserver exited (${proc.exitCode ?? proc.signalCode}):\n${output}` : undefined),
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await exited();
      clearTimeout(t);
    },
  };
}

function inProcess(args: string[]): Process {
  const options = buildOptions(parseFlags(args));
  const problems = validateOptions(options);
  if (problems.length > 0) throw new Error(`kube-apiserver flags: ${problems.join(', ')}`);
  let failed: string | undefined;
  let exitCode: number | null | undefined;
  const running = startServer(toServerConfig(options));
  running.catch((e: unknown) => { failed = e instanceof Error ? e.message : String(e); exitCode = 1; });
  let exitedResolve: (code: number | null) => void = () => {};
  const exitedPromise = new Promise<number | null>(r => { exitedResolve = r; });
  const stop = async () => {
    if (exitCode !== undefined) return;
    exitCode = 0;
    await (await running).stop();
    exitedResolve(0);
  };
  return {
    pid: process.pid,
    logs: () => '',
    signal: sig => {
      if (sig !== 'SIGTERM') throw new Error(`an in-process server takes SIGTERM only, not ${sig}`);
      void stop();
    },
    exited: () => (exitCode !== undefined && exitCode !== 0 ? Promise.resolve(exitCode) : exitedPromise),
    failure: () => failed,
    stop,
  };
}

/** Starts a server and resolves once /readyz answers 200; rejects with its output if it exits first. */
export async function startApiServer(opts: StartApiServerOptions = {}): Promise<ApiServer> {
  const temporary = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'kube-apiserver-'));
  const port = opts.port ?? (await freePort());
  const url = `https://127.0.0.1:${port}`;
  const pki = await writeDevPki(join(dataDir, 'pki'), { serverUrl: url });
  const { yaml, admin } = adminKubeconfig(pki, url);
  const kubeconfigPath = join(dataDir, 'kubeconfig');
  writeFileSync(kubeconfigPath, yaml, { mode: 0o600 });
  const databasePath = opts.etcd ? undefined : join(dataDir, 'storage.db');
  const extra = typeof opts.flags === 'function' ? opts.flags(pki) : opts.flags ?? [];
  const args = [
    `--secure-port=${port}`, '--bind-address=127.0.0.1', '--advertise-address=127.0.0.1',
    ...(opts.selfSignedServing ? [] : [`--tls-cert-file=${pki.apiserverCert}`, `--tls-private-key-file=${pki.apiserverKey}`]),
    `--client-ca-file=${pki.caCert}`, `--cert-dir=${join(dataDir, 'certs')}`,
    '--service-cluster-ip-range=10.96.0.0/12',
    ...storageFlags(opts, databasePath),
    // One process unless asked for more: the default follows the machine's cores.
    ...(extra.some(f => f.startsWith('--worker-processes')) ? [] : ['--worker-processes=1']),
    ...extra,
  ];
  const cleanup = () => { if (temporary) rmSync(dataDir, { recursive: true, force: true }); };
  let proc: Process;
  try {
    proc = opts.inProcess ? inProcess(args) : childProcess(args, opts.nodeArgs ?? []);
  } catch (e) {
    cleanup();
    throw e;
  }
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 30_000);
  for (;;) {
    const failure = proc.failure();
    const problem = failure ?? (Date.now() > deadline ? `kube-apiserver did not become ready:\n${proc.logs()}` : undefined);
    if (problem !== undefined) {
      await proc.stop().catch(() => {});
      cleanup();
      throw new Error(problem);
    }
    if (await readyz(port, admin, opts.selfSignedServing === true)) break;
    await new Promise(r => setTimeout(r, 100));
  }
  return {
    url, port, pid: proc.pid, kubeconfig: yaml, kubeconfigPath, pki, dataDir, databasePath, admin,
    logs: proc.logs, signal: proc.signal, exited: proc.exited,
    async stop() {
      await proc.stop();
      cleanup();
    },
  };
}
