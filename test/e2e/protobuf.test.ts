// Protobuf on the wire against the real server: kubectl 1.32's protobuf request bodies for
// `kubectl create ...`, and protobuf responses for get, list and watch as client-go asks for them.
// (`kubectl create token` and `kubectl auth can-i` need APIs the server does not serve yet.)
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request, type RequestOptions } from 'node:https';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import {
  decodeProtobufObject, decodeProtobufWatchEvent, encodeProtobufObject, protobufMediaType,
} from '../../src/api/protobuf/index.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const CLIENT_GO_ACCEPT = `${protobufMediaType}, application/json`;

let s: TestServer;
let creds: { ca: string; cert: string; key: string };

before(async () => {
  s = await startTestServer();
  const cfg = parse(readFileSync(s.kubeconfig, 'utf8')) as {
    clusters: { cluster: { 'certificate-authority-data': string } }[];
    users: { user: { 'client-certificate-data': string; 'client-key-data': string } }[];
  };
  const d = (x: string) => Buffer.from(x, 'base64').toString('utf8');
  creds = { ca: d(cfg.clusters[0]!.cluster['certificate-authority-data']), cert: d(cfg.users[0]!.user['client-certificate-data']), key: d(cfg.users[0]!.user['client-key-data']) };
});
after(async () => {
  await s?.stop();
});

interface RawResult { status: number; contentType: string; body: Buffer }

function options(method: string, path: string, headers: Record<string, string>): RequestOptions {
  return { host: '127.0.0.1', port: s.port, path, method, servername: 'localhost', ca: creds.ca, cert: creds.cert, key: creds.key, headers };
}

/** An HTTPS request whose body is bytes both ways. */
function raw(method: string, path: string, headers: Record<string, string>, body?: Buffer): Promise<RawResult> {
  return new Promise((resolve, reject) => {
    const req = request(options(method, path, headers), r => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => resolve({ status: r.statusCode ?? 0, contentType: String(r.headers['content-type'] ?? ''), body: Buffer.concat(chunks) }));
      r.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function getJson(path: string): Promise<Record<string, unknown>> {
  const r = await raw('GET', path, { Accept: 'application/json' });
  assert.equal(r.status, 200, r.body.toString());
  return JSON.parse(r.body.toString('utf8')) as Record<string, unknown>;
}

async function kubectl(args: string[]): Promise<{ stdout: string; stderr: string }> {
  const r = await s.kubectl(args);
  assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}\n--- server log tail ---\n${s.logs().slice(-3000)}`);
  return r;
}

/** The same object without the fields a list's items do not repeat. */
function withoutTypeMeta(o: Record<string, unknown>): Record<string, unknown> {
  const { apiVersion: _a, kind: _k, ...rest } = o;
  return rest;
}

describe('kubectl create sends protobuf bodies', () => {
  const creates: Array<{ args: string[]; get: string }> = [
    { args: ['create', 'configmap', 'pb-cm', '--from-literal=a=1', '--from-literal=empty='], get: '/api/v1/namespaces/default/configmaps/pb-cm' },
    { args: ['create', 'secret', 'generic', 'pb-secret', '--from-literal=password=s3cr3t'], get: '/api/v1/namespaces/default/secrets/pb-secret' },
    { args: ['create', 'deployment', 'pb-deploy', '--image=nginx:1.27', '--replicas=0', '--port=80'], get: '/apis/apps/v1/namespaces/default/deployments/pb-deploy' },
    { args: ['create', 'service', 'clusterip', 'pb-svc', '--tcp=80:8080'], get: '/api/v1/namespaces/default/services/pb-svc' },
    { args: ['create', 'namespace', 'pb-ns'], get: '/api/v1/namespaces/pb-ns' },
    { args: ['create', 'job', 'pb-job', '--image=busybox', '--', 'echo', 'hi'], get: '/apis/batch/v1/namespaces/default/jobs/pb-job' },
    { args: ['create', 'cronjob', 'pb-cron', '--image=busybox', '--schedule=*/5 * * * *', '--', 'date'], get: '/apis/batch/v1/namespaces/default/cronjobs/pb-cron' },
    { args: ['create', 'role', 'pb-role', '--verb=get,list', '--resource=pods,deployments.apps'], get: '/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles/pb-role' },
    { args: ['create', 'rolebinding', 'pb-rb', '--role=pb-role', '--user=alice', '--serviceaccount=default:pb-sa'], get: '/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings/pb-rb' },
    { args: ['create', 'clusterrole', 'pb-cr', '--aggregation-rule=rbac.example.com/aggregate=true'], get: '/apis/rbac.authorization.k8s.io/v1/clusterroles/pb-cr' },
    { args: ['create', 'clusterrolebinding', 'pb-crb', '--clusterrole=pb-cr', '--group=devs'], get: '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/pb-crb' },
    { args: ['create', 'serviceaccount', 'pb-sa'], get: '/api/v1/namespaces/default/serviceaccounts/pb-sa' },
    { args: ['create', 'quota', 'pb-quota', '--hard=cpu=1000m,memory=1G,pods=2'], get: '/api/v1/namespaces/default/resourcequotas/pb-quota' },
    { args: ['create', 'priorityclass', 'pb-pc', '--value=0', '--description=zero'], get: '/apis/scheduling.k8s.io/v1/priorityclasses/pb-pc' },
    { args: ['create', 'poddisruptionbudget', 'pb-pdb', '--selector=app=web', '--min-available=50%'], get: '/apis/policy/v1/namespaces/default/poddisruptionbudgets/pb-pdb' },
    { args: ['create', 'ingress', 'pb-ing', '--rule=shop.example.com/api*=pb-svc:80'], get: '/apis/networking.k8s.io/v1/namespaces/default/ingresses/pb-ing' },
  ];
  for (const c of creates) {
    it(`kubectl ${c.args.slice(0, c.args[1] === 'secret' || c.args[1] === 'service' ? 3 : 2).join(' ')}`, async () => {
      // -v=7 logs the request headers: the body went out as protobuf.
      const dash = c.args.indexOf('--');
      const flags = ['-n', 'default', '-v=7'];
      const { stderr } = await kubectl(dash < 0 ? [...c.args, ...flags] : [...c.args.slice(0, dash), ...flags, ...c.args.slice(dash)]);
      assert.match(stderr, /Content-Type: application\/vnd\.kubernetes\.protobuf/);
      const obj = await getJson(c.get);
      assert.equal((obj['metadata'] as { name: string }).name, c.args[c.args[1] === 'secret' || c.args[1] === 'service' ? 3 : 2]);
    });
  }

  it('kept what the protobuf bodies carried, with upstream\'s JSON rules', async () => {
    const cm = await getJson('/api/v1/namespaces/default/configmaps/pb-cm');
    assert.deepEqual(cm['data'], { a: '1', empty: '' });
    const secret = await getJson('/api/v1/namespaces/default/secrets/pb-secret');
    assert.deepEqual(secret['data'], { password: Buffer.from('s3cr3t').toString('base64') });
    assert.equal(secret['type'], 'Opaque');
    const deploy = await getJson('/apis/apps/v1/namespaces/default/deployments/pb-deploy');
    const spec = deploy['spec'] as { replicas: number; template: { spec: { containers: { name: string; image: string; ports: { containerPort: number }[]; imagePullPolicy?: string }[] } } };
    assert.equal(spec.replicas, 0, 'a present zero pointer survives');
    assert.equal(spec.template.spec.containers[0]!.image, 'nginx:1.27');
    assert.equal(spec.template.spec.containers[0]!.ports[0]!.containerPort, 80);
    // Go sends imagePullPolicy "" (a value field); defaulting must still see it as unset.
    assert.equal(spec.template.spec.containers[0]!.imagePullPolicy, 'IfNotPresent');
    const svc = await getJson('/api/v1/namespaces/default/services/pb-svc');
    assert.deepEqual((svc['spec'] as { ports: unknown[] }).ports.map(p => (p as { port: number; targetPort: unknown }).targetPort), [8080]);
    const quota = await getJson('/api/v1/namespaces/default/resourcequotas/pb-quota');
    assert.deepEqual((quota['spec'] as { hard: unknown }).hard, { cpu: '1', memory: '1G', pods: '2' });
    const pc = await getJson('/apis/scheduling.k8s.io/v1/priorityclasses/pb-pc');
    assert.equal(pc['value'], 0);
    const pdb = await getJson('/apis/policy/v1/namespaces/default/poddisruptionbudgets/pb-pdb');
    assert.equal((pdb['spec'] as { minAvailable: unknown }).minAvailable, '50%');
    const meta = cm['metadata'] as Record<string, unknown>;
    assert.equal(meta['generateName'], undefined, 'Go\'s empty strings do not become fields');
    assert.equal(meta['generation'], undefined);
  });
});

describe('protobuf responses', () => {
  it('get: the protobuf object decodes to the JSON object', async () => {
    for (const path of ['/api/v1/namespaces/default/configmaps/pb-cm', '/apis/apps/v1/namespaces/default/deployments/pb-deploy', '/api/v1/namespaces/default/services/pb-svc', '/api/v1/namespaces/pb-ns']) {
      const r = await raw('GET', path, { Accept: CLIENT_GO_ACCEPT });
      assert.equal(r.status, 200, r.body.toString());
      assert.equal(r.contentType, protobufMediaType);
      assert.equal(r.body.subarray(0, 4).toString('latin1'), 'k8s\0');
      assert.deepEqual(decodeProtobufObject(r.body), await getJson(path), path);
    }
  });

  it('list: the protobuf list decodes to the JSON list', async () => {
    const path = '/api/v1/namespaces/default/configmaps';
    const r = await raw('GET', path, { Accept: CLIENT_GO_ACCEPT });
    assert.equal(r.status, 200);
    assert.equal(r.contentType, protobufMediaType);
    const list = decodeProtobufObject(r.body) as unknown as { kind: string; apiVersion: string; metadata: { resourceVersion: string }; items: Record<string, unknown>[] };
    const json = await getJson(path) as unknown as { items: Record<string, unknown>[] };
    assert.equal(list.kind, 'ConfigMapList');
    assert.equal(list.apiVersion, 'v1');
    assert.match(list.metadata.resourceVersion, /^\d+$/);
    assert.deepEqual(list.items, json.items.map(withoutTypeMeta));
    assert.ok(list.items.some(i => (i['metadata'] as { name: string }).name === 'pb-cm'));
  });

  it('PartialObjectMetadataList in protobuf; a Table only in JSON', async () => {
    const r = await raw('GET', '/apis/apps/v1/namespaces/default/deployments', { Accept: `${protobufMediaType};as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json` });
    assert.equal(r.status, 200);
    assert.equal(r.contentType, protobufMediaType);
    const list = decodeProtobufObject(r.body) as unknown as { kind: string; items: { metadata: { name: string } }[] };
    assert.equal(list.kind, 'PartialObjectMetadataList');
    assert.ok(list.items.some(i => i.metadata.name === 'pb-deploy'));
    const t = await raw('GET', '/api/v1/namespaces/default/configmaps', { Accept: `${protobufMediaType};as=Table;g=meta.k8s.io;v=v1` });
    assert.equal(t.status, 406);
    const j = await raw('GET', '/api/v1/namespaces/default/configmaps', { Accept: `${protobufMediaType};as=Table;g=meta.k8s.io;v=v1, application/json;as=Table;g=meta.k8s.io;v=v1` });
    assert.equal(j.status, 200);
    assert.equal((JSON.parse(j.body.toString()) as { kind: string }).kind, 'Table');
  });

  it('watch: length-prefixed frames whose objects decode to the JSON objects', async () => {
    const list = await getJson('/api/v1/namespaces/default/configmaps');
    const rv = (list['metadata'] as { resourceVersion: string }).resourceVersion;
    const events: Array<{ type: string; object: Record<string, unknown> }> = [];
    let contentType = '';
    const done = new Promise<void>((resolve, reject) => {
      const req = request(options('GET', `/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${rv}&timeoutSeconds=20`, { Accept: CLIENT_GO_ACCEPT }), r => {
        contentType = String(r.headers['content-type']);
        let buf = Buffer.alloc(0);
        r.on('data', (c: Buffer) => {
          buf = Buffer.concat([buf, c]);
          while (buf.length >= 4 && buf.length >= 4 + buf.readUInt32BE(0)) {
            const n = buf.readUInt32BE(0);
            events.push(decodeProtobufWatchEvent(buf.subarray(0, 4 + n)));
            buf = buf.subarray(4 + n);
          }
          if (events.some(e => e.type === 'DELETED')) {
            req.destroy();
            resolve();
          }
        });
        r.on('error', () => resolve());
      });
      req.on('error', e => (events.some(x => x.type === 'DELETED') ? resolve() : reject(e)));
      req.end();
    });
    // Writes through protobuf too: a create and an update in protobuf, then a delete.
    const created = await raw('POST', '/api/v1/namespaces/default/configmaps', { 'Content-Type': protobufMediaType, Accept: CLIENT_GO_ACCEPT },
      encodeProtobufObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'pb-watched' }, data: { k: 'v' } }));
    assert.equal(created.status, 201, created.body.toString());
    assert.equal(created.contentType, protobufMediaType);
    const obj = decodeProtobufObject(created.body);
    const updated = await raw('PUT', '/api/v1/namespaces/default/configmaps/pb-watched', { 'Content-Type': protobufMediaType, Accept: 'application/json' },
      encodeProtobufObject({ ...obj, data: { k: 'v2' } }));
    assert.equal(updated.status, 200, updated.body.toString());
    const current = await getJson('/api/v1/namespaces/default/configmaps/pb-watched');
    assert.deepEqual((current['data'] as Record<string, string>), { k: 'v2' });
    const deleted = await raw('DELETE', '/api/v1/namespaces/default/configmaps/pb-watched', { Accept: CLIENT_GO_ACCEPT });
    assert.equal(deleted.status, 200);
    await done;
    assert.equal(contentType, `${protobufMediaType};stream=watch`);
    const mine = events.filter(e => (e.object['metadata'] as { name: string }).name === 'pb-watched');
    assert.deepEqual(mine.map(e => e.type), ['ADDED', 'MODIFIED', 'DELETED']);
    assert.deepEqual(mine[1]!.object, current);
  });
});

describe('/openapi/v2 in protobuf', () => {
  it('kubectl explain reads the gnostic protobuf document (plaintext-openapiv2)', async () => {
    const pod = await kubectl(['explain', 'pods.spec.containers.resources', '--output=plaintext-openapiv2']);
    assert.match(pod.stdout, /KIND:\s+Pod/);
    assert.match(pod.stdout, /RESOURCE:\s+resources <Object>/);
    for (const field of [/claims\t<\[\]Object>/, /limits\t<map\[string\]string>/, /requests\t<map\[string\]string>/]) {
      assert.match(pod.stdout, field);
    }
    const deploy = await kubectl(['explain', 'deployments.spec.strategy.rollingUpdate', '--api-version=apps/v1', '--output=plaintext-openapiv2']);
    assert.match(deploy.stdout, /maxSurge\t<string>/);
    assert.match(deploy.stdout, /maxUnavailable\t<string>/);
    const cr = await kubectl(['explain', 'clusterroles.rules', '--output=plaintext-openapiv2']);
    assert.match(cr.stdout, /verbs\t<\[\]string> -required-/);
  });

  it('is served with upstream\'s content type and the JSON ETag', async () => {
    const pb = await s.http('GET', '/openapi/v2', { headers: { Accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' } });
    assert.equal(pb.status, 200);
    assert.equal(pb.headers['content-type'], 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
    const json = await s.http('GET', '/openapi/v2', { headers: { Accept: 'application/json' } });
    assert.equal(json.headers['content-type'], 'application/json');
    assert.equal(pb.headers['etag'], json.headers['etag']);
  });
});

describe('protobuf errors', () => {
  const post = (body: Buffer, path = '/api/v1/namespaces/default/configmaps') => raw('POST', path, { 'Content-Type': protobufMediaType, Accept: 'application/json' }, body);
  const good = encodeProtobufObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'pb-bad' } });

  it('malformed bodies are 400 Status', async () => {
    for (const body of [Buffer.from('{"kind":"ConfigMap"}'), good.subarray(0, good.length - 8), Buffer.concat([Buffer.from('k8s\0', 'latin1'), Buffer.from([0x0a, 0x05, 0x0f])])]) {
      const r = await post(body);
      assert.equal(r.status, 400, r.body.toString());
      const status = JSON.parse(r.body.toString()) as { kind: string; reason: string; code: number };
      assert.equal(status.kind, 'Status');
      assert.equal(status.reason, 'BadRequest');
    }
  });

  it('the wrong kind for the URL is 400', async () => {
    const r = await post(encodeProtobufObject({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'pb-bad' } }));
    assert.equal(r.status, 400);
    assert.match(r.body.toString(), /Secret in version \\"v1\\" cannot be handled as a ConfigMap/);
  });

  it('a client preferring protobuf gets its error Status in protobuf, and client-go reads it', async () => {
    const r = await raw('GET', '/api/v1/namespaces/default/configmaps/pb-missing', { Accept: CLIENT_GO_ACCEPT });
    assert.equal(r.status, 404);
    assert.equal(r.contentType, protobufMediaType);
    const status = decodeProtobufObject(r.body) as unknown as { kind: string; reason: string; code: number; message: string };
    assert.deepEqual([status.kind, status.reason, status.code, status.message], ['Status', 'NotFound', 404, 'configmaps "pb-missing" not found']);
    const again = await s.kubectl(['create', 'configmap', 'pb-cm', '--from-literal=a=1']);
    assert.equal(again.code, 1);
    // kubectl create configmap words it this way against upstream too; the message comes from the Status.
    assert.equal(again.stderr.trim(), 'error: failed to create configmap: configmaps "pb-cm" already exists');
  });

  it('patch bodies in protobuf are 415', async () => {
    const r = await raw('PATCH', '/api/v1/namespaces/default/configmaps/pb-cm', { 'Content-Type': protobufMediaType }, good);
    assert.equal(r.status, 415);
    assert.equal((JSON.parse(r.body.toString()) as { reason: string }).reason, 'UnsupportedMediaType');
  });
});
