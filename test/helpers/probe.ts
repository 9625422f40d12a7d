// HTTPS probes the way the kubelet sends them: anonymous, without verifying the serving cert.
import { request } from 'node:https';

export interface ProbeResult {
  status: number;
  body: string;
}

export function probe(port: number, path: string, host = '127.0.0.1'): Promise<ProbeResult> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path, method: 'GET', rejectUnauthorized: false, timeout: 5000 }, res => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`probe ${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/** Polls `path` until it answers 200; throws with `describe()` (e.g. the server's logs) on timeout or when `exited()`. */
export async function waitFor200(port: number, path: string, opts: { timeoutMs: number; exited?: () => boolean; describe?: () => string }): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (opts.exited?.()) throw new Error(`server exited before ${path} answered 200:\n${opts.describe?.() ?? ''}`);
    try {
      const r = await probe(port, path);
      if (r.status === 200) return;
      last = `${r.status} ${r.body.slice(0, 300)}`;
    } catch (e) {
      last = e instanceof Error ? e.message : String(e);
    }
    await new Promise(r => setTimeout(r, 250));
  }
  throw new Error(`${path} did not answer 200 within ${opts.timeoutMs} ms (last: ${last}):\n${opts.describe?.() ?? ''}`);
}
