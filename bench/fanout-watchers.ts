// The fan-out row's 200 watchers, on a thread of their own: parsing 10,000 JSON lines from 200 TLS
// sockets on the thread that times the writes charged the client's work to the server. Here each
// watcher counts lines (one event per line: JSON escapes every newline inside a string) and parses
// only its first and last line to check they are the ADDED ConfigMaps expected.
import { parentPort, workerData } from 'node:worker_threads';
import { ApiClient, type WatchStream } from './api-client.js';

export interface WatchersJob { kubeconfig: string; path: string; count: number; events: number }
/** Worker to parent: 'open' once every watch has its headers; 'done' with, per watcher, when its last expected event arrived (ms since the epoch). */
export type WatchersMessage = { type: 'open' } | { type: 'done'; at: number[] } | { type: 'failed'; error: string };

const job = workerData as WatchersJob;
const port = parentPort!;
const api = new ApiClient(job.kubeconfig, 1);
const NEWLINE = 0x0a;
const now = () => performance.timeOrigin + performance.now();

function checkLine(w: number, line: string): void {
  const ev = JSON.parse(line) as { type?: string; object?: { kind?: string; metadata?: { name?: string } } };
  if (ev.type !== 'ADDED' || ev.object?.kind !== 'ConfigMap' || !ev.object.metadata?.name) {
    throw new Error(`watcher ${w}: unexpected event ${line.slice(0, 200)}`);
  }
}

/** One watcher's lines: counted, and the first and the events-th parsed. */
class Counter {
  lines = 0;
  private firstChecked = false;
  /** The pieces of the line being read, kept only when it is one to parse. */
  private current: Buffer[] = [];

  constructor(private readonly w: number, private readonly onDone: (w: number) => void) {}

  take(chunk: Buffer): void {
    let from = 0;
    for (let nl = chunk.indexOf(NEWLINE); nl >= 0; nl = chunk.indexOf(NEWLINE, from)) {
      this.lines++;
      if (!this.firstChecked || this.lines === job.events) this.current.push(chunk.subarray(from, nl));
      if (!this.firstChecked) {
        checkLine(this.w, Buffer.concat(this.current).toString('utf8'));
        this.firstChecked = true;
      }
      if (this.lines === job.events) {
        checkLine(this.w, Buffer.concat(this.current).toString('utf8'));
        this.onDone(this.w);
      }
      this.current = [];
      from = nl + 1;
    }
    if (from < chunk.length && (!this.firstChecked || this.lines === job.events - 1)) this.current.push(chunk.subarray(from));
  }
}

const at = new Array<number>(job.count).fill(0);
let done = 0;
const streams: WatchStream[] = [];
const onDone = (w: number) => {
  at[w] = now();
  if (++done === job.count) port.postMessage({ type: 'done', at } satisfies WatchersMessage);
};

port.on('message', (m: 'close') => {
  if (m !== 'close') return;
  for (const s of streams) s.close();
  api.close();
  port.close();
});

try {
  // A few at a time: each is its own TLS connection.
  for (let i = 0; i < job.count; i += 20) {
    streams.push(...await Promise.all(Array.from({ length: Math.min(20, job.count - i) }, (_, j) => {
      const counter = new Counter(i + j, onDone);
      return api.watchBytes(job.path, chunk => {
        try {
          counter.take(chunk);
        } catch (e) {
          port.postMessage({ type: 'failed', error: e instanceof Error ? e.message : String(e) } satisfies WatchersMessage);
        }
      });
    })));
  }
  port.postMessage({ type: 'open' } satisfies WatchersMessage);
} catch (e) {
  port.postMessage({ type: 'failed', error: e instanceof Error ? e.message : String(e) } satisfies WatchersMessage);
}
