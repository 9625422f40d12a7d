// RSS per kubelet stream (issue 14): N concurrent `pods/log?follow=true` streams through the API
// server to the kubelet stand-in, then N port-forward-sized splices (SPDY upgrades held open),
// reporting the server process's resident memory growth per stream. The clients read slowly on
// purpose: a server that buffers instead of applying backpressure shows up as growing RSS.
// Run with `node dist/bench/streams.js` (BENCH_STREAMS=N, default 500).
import { readFileSync } from 'node:fs';
import { request, type Agent } from 'node:https';
import { Agent as HttpsAgent } from 'node:https';
import { connect as tlsConnect } from 'node:tls';
import { issueCert } from '../src/server/pki.js';
import { startKubeletStandIn } from '../test/helpers/kubelet.js';
import { startTestServer, type TestServer } from '../test/helpers/server.js';

const n = Number(process.env['BENCH_STREAMS'] ?? 500);

function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

async function setup(s: TestServer, kubeletPort: number): Promise<void> {
  const json = { 'Content-Type': 'application/json' };
  const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'bench-node' }, status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: kubeletPort } } } };
  const r = await s.http('POST', '/api/v1/nodes', { body: JSON.stringify(node), headers: json });
  await s.http('PUT', '/api/v1/nodes/bench-node/status', { body: JSON.stringify({ ...r.json<Record<string, unknown>>(), status: node.status }), headers: json });
  await s.defaultServiceAccount('default');
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bench', namespace: 'default' }, spec: { nodeName: 'bench-node', containers: [{ name: 'c1', image: 'busybox' }] } };
  await s.http('POST', '/api/v1/namespaces/default/pods', { body: JSON.stringify(pod), headers: json });
}

/** Opens one follow stream and reads it slowly (a chunk every 500 ms). */
function follow(s: TestServer, agent: Agent, closers: (() => void)[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const u = new URL(`${s.url}/api/v1/namespaces/default/pods/bench/log?follow=true`);
    const req = request({ host: u.hostname, port: u.port, path: `${u.pathname}${u.search}`, agent }, res => {
      if (res.statusCode !== 200) return reject(new Error(`follow: ${res.statusCode}`));
      res.pause();
      const t = setInterval(() => { res.read(); }, 500);
      closers.push(() => { clearInterval(t); req.destroy(); });
      resolve();
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens one SPDY upgrade for port-forward and holds the spliced connection open. */
function portForward(s: TestServer, tls: { cert: Buffer; key: Buffer; ca: Buffer }, closers: (() => void)[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const sock = tlsConnect({ host: '127.0.0.1', port: s.port, ...tls, servername: 'localhost' }, () => {
      sock.write('POST /api/v1/namespaces/default/pods/bench/portforward HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: portforward.k8s.io\r\nContent-Length: 0\r\n\r\n');
    });
    sock.once('data', (b: Buffer) => (b.toString('latin1').startsWith('HTTP/1.1 101') ? resolve() : reject(new Error(b.toString('latin1').split('\r\n')[0]))));
    sock.on('error', reject);
    closers.push(() => sock.destroy());
  });
}

async function measure(label: string, s: TestServer, open: () => Promise<void>, closers: (() => void)[]): Promise<void> {
  await sleep(1000);
  const before = rssBytes(s.pid);
  for (let i = 0; i < n; i += 50) await Promise.all(Array.from({ length: Math.min(50, n - i) }, open));
  // Let the follow streams tick for a while so unbounded buffering would show.
  await sleep(5000);
  const after = rssBytes(s.pid);
  console.log(`${label}: ${n} streams, RSS ${(before / 2 ** 20).toFixed(1)} → ${(after / 2 ** 20).toFixed(1)} MiB, ${((after - before) / n / 1024).toFixed(1)} KiB per stream`);
  for (const c of closers.splice(0)) c();
}

async function main(): Promise<void> {
  const s = await startTestServer([], {
    pkiFlags: pki => [`--kubelet-client-certificate=${pki.etcdClientCert}`, `--kubelet-client-key=${pki.etcdClientKey}`, `--kubelet-certificate-authority=${pki.caCert}`],
  });
  const serving = await issueCert({ ca: { certPem: readFileSync(s.pki.caCert, 'utf8'), keyPem: readFileSync(s.pki.caKey, 'utf8') }, commonName: 'bench-node', ipAddresses: ['127.0.0.1'], usage: 'server' });
  const kubelet = await startKubeletStandIn({ cert: serving.certPem, key: serving.keyPem, clientCA: readFileSync(s.pki.etcdCaCert, 'utf8') });
  try {
    await setup(s, kubelet.port);
    const admin = readFileSync(s.kubeconfig, 'utf8');
    const field = (k: string) => Buffer.from(new RegExp(`${k}: (\\S+)`).exec(admin)![1]!, 'base64');
    const tls = { cert: field('client-certificate-data'), key: field('client-key-data'), ca: field('certificate-authority-data') };
    const agent = new HttpsAgent({ ...tls, keepAlive: false, maxSockets: Infinity });
    const closers: (() => void)[] = [];
    await measure('pods/log follow', s, () => follow(s, agent, closers), closers);
    await measure('port-forward splice', s, () => portForward(s, tls, closers), closers);
  } finally {
    await kubelet.close();
    await s.stop();
  }
}

await main();
