// The server's memory after the four rows of `make bench` alone (no raw etcd, sqlite, CRD or
// worker runs): `node dist/bench/memory.js`. BENCH_N, BENCH_SECONDS and BENCH_SERVER_ARGS as for
// run.ts. MEMORY_SNAPSHOT=1 has the server write a V8 heap snapshot (Heap*.heapsnapshot, in the
// current directory) after the rows, for Chrome DevTools' Memory tab.
import { readdirSync, readFileSync } from 'node:fs';
import { startEtcd } from '../test/helpers/etcd.js';
import { startTestServer } from '../test/helpers/server.js';
import { ApiClient } from './api-client.js';
import { formatSample, formatSpaces, memorySample } from './server-memory.js';
import { serverPhases } from './server-rows.js';

/** The resident set split as Linux counts it: anonymous (heap, malloc), file-backed (the node binary, libraries). */
function residentParts(pid: number): string {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return ['RssAnon', 'RssFile', 'RssShmem'].map(k => new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(status)).filter(m => m !== null)
      .map(m => `${m[0].split(':')[0]} ${(Number(m[1]) / 1024).toFixed(0)} MiB`).join(', ');
  } catch {
    return '';
  }
}

async function main(): Promise<void> {
  const n = Number(process.env['BENCH_N'] ?? 2000);
  const timedMs = Number(process.env['BENCH_SECONDS'] ?? 5) * 1000;
  const snapshot = process.env['MEMORY_SNAPSHOT'] === '1';
  // The server inherits this process's environment.
  if (snapshot) process.env['NODE_OPTIONS'] = `${process.env['NODE_OPTIONS'] ?? ''} --heapsnapshot-signal=SIGUSR2`.trim();
  const etcd = await startEtcd();
  const serverArgs = (process.env['BENCH_SERVER_ARGS'] ?? '').split(/\s+/).filter(Boolean);
  const server = await startTestServer(serverArgs, { etcd });
  const api = new ApiClient(server.kubeconfig, 64);
  try {
    const start = await memorySample(api);
    console.log(`after startup: ${formatSample(start)}`);
    await serverPhases(api, 'memory', { n, timedMs });
    const after = await memorySample(api);
    console.log(`after the rows: ${formatSample(after)}; server CPU for the rows ${(after.cpuSeconds - start.cpuSeconds).toFixed(1)} s\n  heap spaces (used/total MiB): ${formatSpaces(after)}`);
    // Idle for a while: what the collector gives back once requests stop.
    await new Promise(r => setTimeout(r, 15_000));
    const idle = await memorySample(api);
    console.log(`15 s later: ${formatSample(idle)}\n  heap spaces (used/total MiB): ${formatSpaces(idle)}\n  ${residentParts(server.pid)}`);
    if (snapshot) {
      const before = new Set(readdirSync('.'));
      server.signal('SIGUSR2');
      const deadline = Date.now() + 120_000;
      let written: string | undefined;
      while (!written && Date.now() < deadline) {
        await new Promise(r => setTimeout(r, 1000));
        written = readdirSync('.').find(f => f.endsWith('.heapsnapshot') && !before.has(f));
      }
      // The file is complete once the server answers again.
      await memorySample(api);
      console.log(written ? `heap snapshot: ${written}` : 'no heap snapshot appeared within 120 s');
    }
  } catch (e) {
    process.stderr.write(`--- server log tail ---\n${server.logs().slice(-3000)}\n`);
    throw e;
  } finally {
    api.close();
    await server.stop();
    await etcd.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
