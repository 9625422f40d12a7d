// HTTPS to the API server as the admin user of a kubeconfig (its client cert), over a keep-alive
// pool, plus a reader for one watch stream.
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { StringDecoder } from 'node:string_decoder';
import { parse } from 'yaml';

interface Kubeconfig {
  clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
  users: { user: { 'client-certificate-data': string; 'client-key-data': string } }[];
}

export interface ApiResponse {
  status: number;
  body: Buffer;
  headers: Record<string, string | string[] | undefined>;
}

export interface WatchStream {
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

export class ApiClient {
  private readonly host: string;
  private readonly port: number;
  private readonly tls: { ca: string; cert: string; key: string };
  private readonly agent: Agent;

  constructor(kubeconfigPath: string, maxSockets: number) {
    const cfg = parse(readFileSync(kubeconfigPath, 'utf8')) as Kubeconfig;
    const cluster = cfg.clusters[0]!.cluster;
    const user = cfg.users[0]!.user;
    const d = (s: string) => Buffer.from(s, 'base64').toString('utf8');
    const url = new URL(cluster.server);
    this.host = url.hostname;
    this.port = Number(url.port);
    this.tls = { ca: d(cluster['certificate-authority-data']), cert: d(user['client-certificate-data']), key: d(user['client-key-data']) };
    this.agent = new Agent({ keepAlive: true, maxSockets, ...this.tls });
  }

  /** `extraHeaders` adds request headers (Impersonate-User, say). */
  request(method: string, path: string, body?: string, extraHeaders: Record<string, string> = {}): Promise<ApiResponse> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { Accept: 'application/json', ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...extraHeaders };
      const req = request({ host: this.host, port: this.port, servername: 'localhost', path, method, headers, agent: this.agent }, res => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), headers: res.headers }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  /** Like request, but fails unless the status is `expect`. */
  async expect(expect: number, method: string, path: string, body?: string): Promise<Buffer> {
    const r = await this.request(method, path, body);
    if (r.status !== expect) throw new Error(`${method} ${path}: ${r.status} (wanted ${expect}): ${r.body.toString('utf8').slice(0, 500)}`);
    return r.body;
  }

  /** Opens a watch on its own connection and calls onLine for each JSON line; resolves once the headers are in. */
  watch(path: string, onLine: (line: string) => void): Promise<WatchStream> {
    let rest = '';
    // A UTF-8 character may be split between chunks.
    const utf8 = new StringDecoder('utf8');
    return this.watchBytes(path, chunk => {
      const lines = (rest + utf8.write(chunk)).split('\n');
      rest = lines.pop()!;
      for (const line of lines) if (line) onLine(line);
    });
  }

  /** Like watch, but hands over the stream's bytes as they arrive (a line may span chunks). */
  watchBytes(path: string, onChunk: (chunk: Buffer) => void): Promise<WatchStream> {
    return new Promise((resolve, reject) => {
      const req = request({ host: this.host, port: this.port, servername: 'localhost', path, method: 'GET', headers: { Accept: 'application/json' }, agent: false, ...this.tls }, res => {
        if (res.statusCode !== 200) {
          reject(new Error(`watch ${path}: ${res.statusCode}`));
          res.resume();
          return;
        }
        res.on('data', onChunk);
        const ended = new Promise<void>(r => { res.on('close', () => r()); });
        resolve({ ended, close: () => req.destroy() });
      });
      req.on('error', reject);
      req.end();
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
