// kubectl 1.32 logs, exec, attach and port-forward through the API server to a kubelet stand-in
// (test/helpers/kubelet.ts) that checks the API server's client certificate.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer, type AddressInfo } from 'node:net';
import { Readable, Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { issueCert } from '../../src/server/pki.js';
import { startKubeletStandIn, type KubeletStandIn } from '../helpers/kubelet.js';
import { freePort, startTestServer, type TestServer } from '../helpers/server.js';

let s: TestServer;
let kubelet: KubeletStandIn;

function run(cmd: string, args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise(res => {
    const child = execFile(cmd, args, { timeout: 30_000, env: { ...process.env, ...env } }, (err, stdout, stderr) => {
      res({ code: err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0, stdout, stderr });
    });
    child.stdin!.end();
  });
}

function kubectlEnv(args: string[], env: Record<string, string>, input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise(res => {
    const child = execFile('kubectl', [`--kubeconfig=${s.kubeconfig}`, ...args], { timeout: 30_000, env: { ...process.env, ...env } }, (err, stdout, stderr) => {
      res({ code: err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0, stdout, stderr });
    });
    child.stdin!.end(input ?? '');
  });
}

async function createNode(name: string, port: number): Promise<void> {
  const node = { apiVersion: 'v1', kind: 'Node', metadata: { name }, status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: port } } } };
  const r = await s.http('POST', '/api/v1/nodes', { body: JSON.stringify(node), headers: { 'Content-Type': 'application/json' } });
  assert.equal(r.status, 201, r.body);
  const st = await s.http('PUT', `/api/v1/nodes/${name}/status`, { body: JSON.stringify({ ...r.json<Record<string, unknown>>(), status: node.status }), headers: { 'Content-Type': 'application/json' } });
  assert.equal(st.status, 200, st.body);
}

async function createPod(name: string, nodeName: string | undefined, containers: string[]): Promise<void> {
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { ...(nodeName ? { nodeName } : {}), containers: containers.map(c => ({ name: c, image: 'busybox' })) } };
  const r = await s.http('POST', '/api/v1/namespaces/default/pods', { body: JSON.stringify(pod), headers: { 'Content-Type': 'application/json' } });
  assert.equal(r.status, 201, r.body);
  // kubectl exec, attach and port-forward refuse pods that are not Running.
  const running = { ...r.json<Record<string, unknown>>(), status: { phase: 'Running' } };
  const st = await s.http('PUT', `/api/v1/namespaces/default/pods/${name}/status`, { body: JSON.stringify(running), headers: { 'Content-Type': 'application/json' } });
  assert.equal(st.status, 200, st.body);
}

before(async () => {
  s = await startTestServer(['--authorization-mode=Node,RBAC'], {
    pkiFlags: pki => [`--kubelet-client-certificate=${pki.etcdClientCert}`, `--kubelet-client-key=${pki.etcdClientKey}`, `--kubelet-certificate-authority=${pki.caCert}`],
  });
  const serving = await issueCert({ ca: { certPem: readFileSync(s.pki.caCert, 'utf8'), keyPem: readFileSync(s.pki.caKey, 'utf8') }, commonName: 'node-1', ipAddresses: ['127.0.0.1'], usage: 'server' });
  kubelet = await startKubeletStandIn({ cert: serving.certPem, key: serving.keyPem, clientCA: readFileSync(s.pki.etcdCaCert, 'utf8') });
  await s.defaultServiceAccount('default');
  await createNode('node-1', kubelet.port);
  await createNode('node-down', await freePort());
  await createPod('one', 'node-1', ['c1']);
  await createPod('two', 'node-1', ['c1', 'c2']);
  await createPod('pending', undefined, ['c1']);
  await createPod('orphan', 'node-down', ['c1']);
});
after(async () => { await s?.stop(); await kubelet?.close(); });

describe('kubectl logs', () => {
  it('streams the container log, with -c, --tail and --previous passed to the kubelet', async () => {
    assert.equal(await s.kubectlOk(['logs', 'one']), 'c1 1\nc1 2\nc1 3\nc1 4\nc1 5\n');
    assert.equal(await s.kubectlOk(['logs', 'two', '-c', 'c2', '--tail=2']), 'c2 4\nc2 5\n');
    assert.equal(await s.kubectlOk(['logs', 'one', '--previous']), 'previous 1\nprevious 2\nprevious 3\nprevious 4\nprevious 5\n');
    await s.kubectlOk(['logs', 'one', '--since=1h']);
    assert.ok(kubelet.seen.some(r => r.url === '/containerLogs/default/two/c2?tailLines=2'), JSON.stringify(kubelet.seen));
    assert.ok(kubelet.seen.some(r => r.url === '/containerLogs/default/one/c1?sinceSeconds=3600'));
    assert.ok(kubelet.seen.every(r => r.clientCN !== ''), 'the API server presented its kubelet client certificate');
  });

  it('answers container errors as upstream', async () => {
    const r = await s.http('GET', '/api/v1/namespaces/default/pods/two/log');
    assert.equal(r.status, 400);
    assert.equal(r.json<{ message: string }>().message, 'a container name must be specified for pod two, choose one of: [c1 c2]');
    const bad = await s.http('GET', '/api/v1/namespaces/default/pods/one/log?container=nope');
    assert.equal(bad.json<{ message: string }>().message, 'container nope is not valid for pod one');
    const pending = await s.http('GET', '/api/v1/namespaces/default/pods/pending/log');
    assert.equal(pending.status, 204);
    assert.equal(pending.body, '');
  });

  it('follows with -f until interrupted', async () => {
    const child = spawn('kubectl', [`--kubeconfig=${s.kubeconfig}`, 'logs', '-f', 'one']);
    let out = '';
    await new Promise<void>(resolve => child.stdout.on('data', (b: Buffer) => { out += b.toString(); if (out.includes('tick 3')) resolve(); }));
    child.kill();
    assert.match(out, /c1 5\ntick 1\ntick 2\ntick 3/);
  });

  it('a kubelet that is down yields a 500 with the dial error', async () => {
    const r = await s.http('GET', '/api/v1/namespaces/default/pods/orphan/log');
    assert.equal(r.status, 500);
    assert.match(r.json<{ message: string }>().message, /^Get "https:\/\/127\.0\.0\.1:\d+\/containerLogs\/default\/orphan\/c1": dial tcp 127\.0\.0\.1:\d+: connect: connection refused$/);
  });
});

describe('kubectl exec and attach', () => {
  for (const [transport, env] of [['WebSocket v5', {}], ['SPDY', { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'false' }]] as const) {
    it(`exec -i moves stdin and stdout and reports the exit code (${transport})`, async () => {
      const ok = await kubectlEnv(['exec', '-i', 'one', '--', 'sh', '-c', 'tr a-z A-Z'], env, 'hello\n');
      assert.equal(ok.code, 0, ok.stderr);
      assert.equal(ok.stdout, 'HELLO\n');
      const failed = await kubectlEnv(['exec', 'one', '--', 'sh', '-c', 'echo oops >&2; exit 3'], env);
      assert.equal(failed.code, 3, failed.stderr);
      assert.match(failed.stderr, /oops/);
      assert.match(failed.stderr, /command terminated with exit code 3/);
    });

    it(`exec against a kubelet that is down fails at once with the dial error (${transport})`, async () => {
      const started = Date.now();
      const r = await kubectlEnv(['exec', 'orphan', '--', 'true'], env);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /error dialing backend: dial tcp 127\.0\.0\.1:\d+: connect: connection refused/);
      assert.ok(Date.now() - started < 15_000, 'no hang');
    });

    it(`exec -it runs with a terminal and sends its size (${transport})`, async () => {
      const before = kubelet.resizes.length;
      // script(1) gives kubectl a terminal of a known size; -e passes the exit code on.
      const r = await run('script', ['-qec', `stty cols 101 rows 31; kubectl --kubeconfig=${s.kubeconfig} exec -it one -- sh -c 'sleep 0.3; echo tty-ok; exit 5'`, '/dev/null'], env);
      assert.equal(r.code, 5, r.stdout + r.stderr);
      assert.match(r.stdout, /tty-ok/);
      assert.ok(kubelet.resizes.slice(before).some(m => JSON.stringify(JSON.parse(m)) === '{"Width":101,"Height":31}'), JSON.stringify(kubelet.resizes));
    });

    it(`cp copies files both ways (tar over exec, ${transport})`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'kubectl-cp-'));
      writeFileSync(join(dir, 'up.txt'), 'uploaded through exec\n');
      const up = await kubectlEnv(['cp', join(dir, 'up.txt'), `one:${join(dir, 'in-pod.txt')}`], env);
      assert.equal(up.code, 0, up.stderr);
      assert.equal(readFileSync(join(dir, 'in-pod.txt'), 'utf8'), 'uploaded through exec\n');
      const down = await kubectlEnv(['cp', `one:${join(dir, 'in-pod.txt')}`, join(dir, 'back.txt')], env);
      assert.equal(down.code, 0, down.stderr);
      assert.equal(readFileSync(join(dir, 'back.txt'), 'utf8'), 'uploaded through exec\n');
      rmSync(dir, { recursive: true, force: true });
    });
  }

  it('authorizes as 1.32: a WebSocket exec (GET) needs get on pods/exec, a SPDY exec (POST) needs create', async () => {
    const role = (name: string, verb: string) => ({
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name, namespace: 'default' },
      rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }, { apiGroups: [''], resources: ['pods/exec'], verbs: [verb] }],
    });
    for (const [user, verb] of [['getter', 'get'], ['creator', 'create']] as const) {
      const r = await s.http('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles', { body: JSON.stringify(role(user, verb)), headers: { 'Content-Type': 'application/json' } });
      assert.equal(r.status, 201, r.body);
      const binding = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: user, namespace: 'default' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: user }, subjects: [{ kind: 'User', name: user, apiGroup: 'rbac.authorization.k8s.io' }] };
      const b = await s.http('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings', { body: JSON.stringify(binding), headers: { 'Content-Type': 'application/json' } });
      assert.equal(b.status, 201, b.body);
    }
    const spdy = { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'false' };
    assert.equal((await kubectlEnv(['--as=getter', 'exec', 'one', '--', 'true'], {})).code, 0);
    assert.equal((await kubectlEnv(['--as=creator', 'exec', 'one', '--', 'true'], spdy)).code, 0);
    const denied = await kubectlEnv(['--as=getter', 'exec', 'one', '--', 'true'], spdy);
    assert.notEqual(denied.code, 0);
    assert.match(denied.stderr, /pods "one" is forbidden: User "getter" cannot create resource "pods\/exec" in API group "" in the namespace "default"/);
  });

  it('attach relays stdin to the running process', async () => {
    const r = await kubectlEnv(['attach', '-i', 'one'], {}, 'attached\n');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'attached\n');
  });

  it('refuses a plain POST and an unscheduled pod as upstream', async () => {
    const plain = await s.http('POST', '/api/v1/namespaces/default/pods/one/exec?command=true&stdout=true');
    assert.equal(plain.status, 400);
    assert.equal(plain.json<{ message: string }>().message, 'Upgrade request required');
    const pending = await s.http('POST', '/api/v1/namespaces/default/pods/pending/exec?command=true&stdout=true');
    assert.equal(pending.json<{ message: string }>().message, 'pod pending does not have a host assigned');
  });
});

describe('kubectl port-forward', () => {
  for (const [transport, env] of [['WebSocket tunnel', {}], ['SPDY', { KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' }]] as const) it(`moves bytes both ways (${transport})`, async () => {
    const echo = createServer(sock => sock.on('data', (b: Buffer) => sock.write(Buffer.from(b.toString().toUpperCase()))));
    echo.listen(0, '127.0.0.1');
    await once(echo, 'listening');
    const remote = (echo.address() as AddressInfo).port;
    const local = await freePort();
    const child = spawn('kubectl', [`--kubeconfig=${s.kubeconfig}`, 'port-forward', 'pod/one', `${local}:${remote}`], { env: { ...process.env, ...env } });
    let err = '';
    child.stderr.on('data', (b: Buffer) => { err += b.toString(); });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (b: Buffer) => { if (b.toString().includes('Forwarding from')) resolve(); });
      child.once('exit', () => reject(new Error(`port-forward exited: ${err}`)));
    });
    for (const word of ['ping over the tunnel', 'and a second connection']) {
      const sock = connect(local, '127.0.0.1');
      sock.write(word);
      const [reply] = await once(sock, 'data') as [Buffer];
      assert.equal(reply.toString(), word.toUpperCase());
      sock.destroy();
    }
    child.kill();
    echo.close();
  });
});

describe('@kubernetes/client-node', () => {
  const config = () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(s.kubeconfig);
    return kc;
  };
  const collect = () => {
    const chunks: Buffer[] = [];
    const w = new Writable({ write(chunk: Buffer, _enc, cb) { chunks.push(chunk); cb(); } });
    return { w, text: () => Buffer.concat(chunks).toString() };
  };

  it('Exec moves stdin and stdout and reports the exit status', async () => {
    const out = collect();
    const err = collect();
    const statuses: k8s.V1Status[] = [];
    const ws = await new k8s.Exec(config()).exec('default', 'one', 'c1', ['sh', '-c', 'tr a-z A-Z; echo bad >&2; exit 7'], out.w, err.w, Readable.from([Buffer.from('from client-node\n')]), false, st => statuses.push(st));
    await once(ws, 'close');
    assert.equal(out.text(), 'FROM CLIENT-NODE\n');
    assert.equal(err.text(), 'bad\n');
    assert.equal(statuses.length, 1);
    assert.equal(statuses[0]!.reason, 'NonZeroExitCode');
    assert.equal(statuses[0]!.message, 'command terminated with non-zero exit code: command terminated with exit code 7');
    assert.deepEqual(statuses[0]!.details?.causes, [{ reason: 'ExitCode', message: '7' }]);
  });

  it('Log streams the container log', async () => {
    const out = collect();
    const done = once(out.w, 'finish');
    await new k8s.Log(config()).log('default', 'two', 'c2', out.w, { tailLines: 3 });
    await done;
    assert.equal(out.text(), 'c2 3\nc2 4\nc2 5\n');
  });
});

/** A local address that is neither loopback nor link-local, so the address guard lets it through. */
function routableLocalIP(): string | undefined {
  return Object.values(networkInterfaces()).flat().find(a => a && a.family === 'IPv4' && !a.internal && !a.address.startsWith('169.254.'))?.address;
}

describe('proxy subresources', () => {
  it('nodes/proxy reaches the kubelet with the API server\'s certificate, path and query kept, credentials dropped', async () => {
    const r = await s.http('GET', '/api/v1/nodes/node-1/proxy/stats/summary/?only=cpu');
    assert.equal(r.status, 200, r.body);
    assert.deepEqual(r.json(), { method: 'GET', url: '/stats/summary/?only=cpu', authorization: '' });
    const raw = await s.kubectlOk(['get', '--raw', '/api/v1/nodes/node-1/proxy/healthz']);
    assert.equal(JSON.parse(raw).url, '/healthz');
  });

  it('pods/proxy refuses loopback pod IPs and otherwise proxies to the first declared port; services/proxy resolves port names', async t => {
    const ip = routableLocalIP();
    const backend = createHttpServer((req, res) => { res.setHeader('X-Backend', 'yes'); res.end(`${req.method} ${req.url}`); });
    backend.listen(0, ip ?? '127.0.0.1');
    await once(backend, 'listening');
    const port = (backend.address() as AddressInfo).port;
    const pod = (name: string, podIP: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: port }] }] }, status: { podIP, podIPs: [{ ip: podIP }] } });
    for (const [name, podIP] of [['loop', '127.0.0.1'], ['web', ip ?? '10.255.255.1']] as const) {
      const r = await s.http('POST', '/api/v1/namespaces/default/pods', { body: JSON.stringify(pod(name, podIP)), headers: { 'Content-Type': 'application/json' } });
      assert.equal(r.status, 201, r.body);
      const st = await s.http('PUT', `/api/v1/namespaces/default/pods/${name}/status`, { body: JSON.stringify({ ...r.json<Record<string, unknown>>(), status: pod(name, podIP).status }), headers: { 'Content-Type': 'application/json' } });
      assert.equal(st.status, 200, st.body);
    }
    const refused = await s.http('GET', '/api/v1/namespaces/default/pods/loop/proxy/');
    assert.equal(refused.status, 400);
    assert.equal(refused.json<{ message: string }>().message, 'address not allowed');
    const bad = await s.http('GET', '/api/v1/namespaces/default/pods/ftp:web:21/proxy/');
    assert.equal(bad.json<{ message: string }>().message, 'invalid pod request "ftp:web:21"');
    if (!ip) return t.skip('no routable local address to serve a pod from');
    const viaPod = await s.http('POST', '/api/v1/namespaces/default/pods/web/proxy/a/b/?x=1', { body: 'payload' });
    assert.equal(viaPod.status, 200, viaPod.body);
    assert.equal(viaPod.body, 'POST /a/b/?x=1');
    assert.equal(viaPod.headers['x-backend'], 'yes');

    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { ports: [{ name: 'http', port: 80, targetPort: port }] } };
    assert.equal((await s.http('POST', '/api/v1/namespaces/default/services', { body: JSON.stringify(svc), headers: { 'Content-Type': 'application/json' } })).status, 201);
    const ep = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web', namespace: 'default' }, subsets: [{ addresses: [{ ip, targetRef: { kind: 'Pod', namespace: 'default', name: 'web' } }], ports: [{ name: 'http', port }] }] };
    assert.equal((await s.http('POST', '/api/v1/namespaces/default/endpoints', { body: JSON.stringify(ep), headers: { 'Content-Type': 'application/json' } })).status, 201);
    for (const id of ['web:http', 'web:80', 'http:web:http']) {
      const r = await s.http('GET', `/api/v1/namespaces/default/services/${id}/proxy/index.html`);
      assert.equal(r.status, 200, `${id}: ${r.body}`);
      assert.equal(r.body, 'GET /index.html');
    }
    const noPort = await s.http('GET', '/api/v1/namespaces/default/services/web:81/proxy/');
    assert.equal(noPort.status, 503);
    assert.equal(noPort.json<{ message: string }>().message, 'no service port 81 found for service "web"');
    const noEndpoint = await s.http('GET', '/api/v1/namespaces/default/services/web:other/proxy/');
    assert.equal(noEndpoint.json<{ message: string }>().message, 'no endpoints available for service "web:other"');
    backend.close();
  });
});
