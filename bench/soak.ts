// The memory soak of issue 16: the real server on a real etcd under a steady mixed load for
// SOAK_MINUTES (default 20) after SOAK_WARMUP_MINUTES (default 3) of the same load, its RSS and
// heap sampled every SOAK_SAMPLE_SECONDS (default 30). The load, all on ~1 KiB ConfigMaps:
// - SOAK_WRITES (default 50) writes a second, 32 in flight at most: creates, full updates (PUT)
//   and deletes, keeping the live set near SOAK_LIVE (default 1,000) objects under ever new names;
// - a list of the whole namespace and a list by label (a tenth of it) every second, and gets;
// - every 30 s a wave of 500 watches (each on its own TLS connection, half with a label selector,
//   from the resourceVersion of a recent list) that the client drops 15 s later.
// The verdict: the RSS samples after the warm-up stay within 10% (max / min <= 1.10).
// Alone: `node dist/bench/soak.js` (not part of make test or make bench). BENCH_SERVER_ARGS adds
// server flags.
import { randomBytes, randomInt } from 'node:crypto';
import { startEtcd } from '../test/helpers/etcd.js';
import { startTestServer } from '../test/helpers/server.js';
import { ApiClient, type WatchStream } from './api-client.js';
import { formatSample, memorySample, mib, type MemorySample } from './server-memory.js';

function numberEnv(name: string, dflt: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!(n > 0)) throw new Error(`${name} must be a positive number, got ${JSON.stringify(v)}`);
  return n;
}

const MINUTES = numberEnv('SOAK_MINUTES', 20);
const WARMUP_MINUTES = numberEnv('SOAK_WARMUP_MINUTES', 3);
const SAMPLE_MS = numberEnv('SOAK_SAMPLE_SECONDS', 30) * 1000;
const WRITES_PER_SECOND = numberEnv('SOAK_WRITES', 50);
const LIVE = numberEnv('SOAK_LIVE', 1000);
const WRITES_IN_FLIGHT = 32;
const WATCHES_PER_WAVE = 500;
const WAVE_EVERY_MS = 30_000;
const WAVE_HOLD_MS = 15_000;
/** Watch connections opened at once while a wave starts (TLS handshakes with client certificates). */
const WATCH_OPENS_IN_FLIGHT = 25;

const NS = 'soak';
const COLL = `/api/v1/namespaces/${NS}/configmaps`;
const PAYLOAD = randomBytes(768).toString('base64');
const body = (name: string, version: number) => JSON.stringify({
  apiVersion: 'v1', kind: 'ConfigMap',
  metadata: { name, namespace: NS, labels: { sel: name.endsWith('0') ? 'yes' : 'no' } },
  data: { payload: PAYLOAD, version: String(version) },
});

interface Counts { creates: number; updates: number; deletes: number; lists: number; gets: number; watches: number; watchEvents: number; skipped: number; errors: number }

class Load {
  readonly counts: Counts = { creates: 0, updates: 0, deletes: 0, lists: 0, gets: 0, watches: 0, watchEvents: 0, skipped: 0, errors: 0 };
  private readonly live: string[] = [];
  private next = 0;
  private inFlight = 0;
  private stopped = false;
  private lastListRv = '';
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly waves = new Set<Promise<void>>();
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly api: ApiClient, private readonly log: (line: string) => void) {}

  start(): void {
    this.timers.push(setInterval(() => this.writeTick(), 100));
    this.timers.push(setInterval(() => this.track(this.readTick()), 1000));
    this.timers.push(setInterval(() => this.wave(), WAVE_EVERY_MS));
    this.wave();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    await Promise.all([...this.waves, ...this.pending]);
  }

  private track(p: Promise<void>): void {
    const tracked = p.catch((e: unknown) => {
      this.counts.errors++;
      if (this.counts.errors <= 5) this.log(`  error: ${e instanceof Error ? e.message : String(e)}`);
    }).finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }

  /** A tenth of the writes each 100 ms; writes that would exceed the in-flight cap are skipped (and counted). */
  private writeTick(): void {
    for (let i = 0; i < WRITES_PER_SECOND / 10; i++) {
      if (this.stopped) return;
      if (this.inFlight >= WRITES_IN_FLIGHT) {
        this.counts.skipped++;
        continue;
      }
      this.inFlight++;
      this.track(this.writeOne().finally(() => { this.inFlight--; }));
    }
  }

  private async writeOne(): Promise<void> {
    // Below the live target creates win, above it deletes; in between a mix, updates the most.
    const r = Math.random();
    const fill = this.live.length / LIVE;
    if (fill < 0.9 || (fill < 1.1 && r < 0.3)) {
      const name = `cm-${String(this.next++).padStart(8, '0')}`;
      await this.api.expect(201, 'POST', COLL, body(name, 0));
      this.live.push(name);
      this.counts.creates++;
    } else if (fill >= 1.1 || r < 0.6) {
      const name = this.live.splice(randomInt(this.live.length), 1)[0]!;
      await this.api.expect(200, 'DELETE', `${COLL}/${name}`);
      this.counts.deletes++;
    } else {
      const name = this.live[randomInt(this.live.length)]!;
      const r2 = await this.api.request('PUT', `${COLL}/${name}`, body(name, randomInt(1e9)));
      // A delete of the same name may have won the race.
      if (r2.status !== 200 && r2.status !== 404) throw new Error(`PUT ${name}: ${r2.status} ${r2.body.toString('utf8').slice(0, 300)}`);
      this.counts.updates++;
    }
  }

  private async readTick(): Promise<void> {
    if (this.stopped) return;
    const all = JSON.parse((await this.api.expect(200, 'GET', COLL)).toString('utf8')) as { metadata: { resourceVersion: string } };
    this.lastListRv = all.metadata.resourceVersion;
    await this.api.expect(200, 'GET', `${COLL}?labelSelector=sel%3Dyes`);
    this.counts.lists += 2;
    for (let i = 0; i < 10 && this.live.length > 0; i++) {
      const r = await this.api.request('GET', `${COLL}/${this.live[randomInt(this.live.length)]!}`);
      if (r.status !== 200 && r.status !== 404) throw new Error(`GET: ${r.status}`);
      this.counts.gets++;
    }
  }

  /** Opens WATCHES_PER_WAVE watches, holds them WAVE_HOLD_MS, drops them from the client side. */
  private wave(): void {
    if (this.stopped || this.waves.size > 0) return;
    const w = (async () => {
      const streams: WatchStream[] = [];
      let opened = 0;
      const openOne = async (): Promise<void> => {
        while (opened < WATCHES_PER_WAVE && !this.stopped) {
          const i = opened++;
          const rv = this.lastListRv ? `&resourceVersion=${this.lastListRv}` : '';
          const selector = i % 2 === 0 ? '&labelSelector=sel%3Dyes' : '';
          streams.push(await this.api.watch(`${COLL}?watch=true${rv}${selector}`, () => { this.counts.watchEvents++; }));
          this.counts.watches++;
        }
      };
      try {
        await Promise.all(Array.from({ length: WATCH_OPENS_IN_FLIGHT }, openOne));
        await new Promise(r => setTimeout(r, WAVE_HOLD_MS));
      } finally {
        for (const s of streams) s.close();
      }
    })().catch((e: unknown) => {
      this.counts.errors++;
      this.log(`  watch wave: ${e instanceof Error ? e.message : String(e)}`);
    }).finally(() => this.waves.delete(w));
    this.waves.add(w);
  }
}

interface Sample extends MemorySample { atS: number; warm: boolean; counts: Counts }

function formatSamples(samples: Sample[]): string {
  const lines = [
    '| t (s) | phase | RSS MiB | heap used MiB | heap total MiB | external MiB | long-running | writes (c/u/d) | lists | watches opened | errors |',
    '|---:|---|---:|---:|---:|---:|---:|---|---:|---:|---:|',
  ];
  const m = (b: number) => (b / 1024 / 1024).toFixed(0);
  for (const s of samples) {
    const c = s.counts;
    lines.push(`| ${s.atS.toFixed(0)} | ${s.warm ? 'soak' : 'warm-up'} | ${m(s.rssBytes)} | ${m(s.heapUsedBytes)} | ${m(s.heapTotalBytes)} | ${m(s.externalBytes)} | ${s.longRunning} | ${c.creates}/${c.updates}/${c.deletes} | ${c.lists} | ${c.watches} | ${c.errors} |`);
  }
  return lines.join('\n');
}

/** Max over min of the soak samples' RSS: within 10% means <= 1.10. */
export function rssSpread(rss: number[]): number {
  if (rss.length === 0) return NaN;
  return Math.max(...rss) / Math.min(...rss);
}

async function main(): Promise<void> {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  log(`soak: ${WARMUP_MINUTES} min warm-up, ${MINUTES} min soak, ${WRITES_PER_SECOND} writes/s, live set ${LIVE}, ${WATCHES_PER_WAVE} watches every ${WAVE_EVERY_MS / 1000} s`);
  const etcd = await startEtcd();
  const serverArgs = (process.env['BENCH_SERVER_ARGS'] ?? '').split(/\s+/).filter(Boolean);
  const server = await startTestServer(serverArgs, { etcd });
  const api = new ApiClient(server.kubeconfig, 64);
  const samples: Sample[] = [];
  let load: Load | undefined;
  try {
    await api.expect(201, 'POST', '/api/v1/namespaces', JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } }));
    log(`after startup: ${formatSample(await memorySample(api))}`);
    load = new Load(api, log);
    const t0 = performance.now();
    const warmEnd = WARMUP_MINUTES * 60_000;
    const end = warmEnd + MINUTES * 60_000;
    load.start();
    for (let at = SAMPLE_MS; at <= end; at += SAMPLE_MS) {
      await new Promise(r => setTimeout(r, Math.max(0, t0 + at - performance.now())));
      const s: Sample = { ...(await memorySample(api)), atS: (performance.now() - t0) / 1000, warm: at > warmEnd, counts: { ...load.counts } };
      samples.push(s);
      log(`  ${s.atS.toFixed(0)} s ${s.warm ? 'soak' : 'warm-up'}: ${formatSample(s)}, ${s.longRunning} long-running, ${s.counts.creates + s.counts.updates + s.counts.deletes} writes, ${s.counts.errors} errors`);
    }
    await load.stop();
    load = undefined;
    const c = samples[samples.length - 1]!.counts;
    const soakSeconds = MINUTES * 60;
    const warm = samples.filter(s => s.warm);
    const spread = rssSpread(warm.map(s => s.rssBytes));
    console.log(`kube-apiserver-ts soak, ${new Date().toISOString()}; node ${process.version}`);
    console.log(`${WARMUP_MINUTES} min warm-up + ${MINUTES} min soak: ${c.creates} creates, ${c.updates} updates, ${c.deletes} deletes (${((c.creates + c.updates + c.deletes) / (WARMUP_MINUTES * 60 + soakSeconds)).toFixed(0)}/s; ${c.skipped} skipped at the in-flight cap), ${c.lists} lists, ${c.gets} gets, ${c.watches} watches opened and dropped (${c.watchEvents} events), ${c.errors} errors\n`);
    console.log(formatSamples(samples));
    const rss = warm.map(s => s.rssBytes);
    const heap = warm.map(s => s.heapUsedBytes);
    console.log(`\nafter the warm-up: RSS ${mib(Math.min(...rss))} .. ${mib(Math.max(...rss))} (max/min ${spread.toFixed(3)}), heap used ${mib(Math.min(...heap))} .. ${mib(Math.max(...heap))}`);
    console.log(`verdict: ${spread <= 1.1 ? 'FLAT' : 'NOT FLAT'} (RSS within 10% once warm: max/min ${spread.toFixed(3)} ${spread <= 1.1 ? '<=' : '>'} 1.10)`);
    if (c.errors > 0) process.exitCode = 1;
  } catch (e) {
    process.stderr.write(`--- server log tail ---\n${server.logs().slice(-3000)}\n`);
    throw e;
  } finally {
    await load?.stop();
    api.close();
    await server.stop();
    await etcd.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
