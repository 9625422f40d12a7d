// The bitmap allocator and range geometry behind Service ClusterIPs and NodePorts, and the
// service allocation rules over the memory backend.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../src/api/types.js';
import { AllocationBitmap } from '../../src/registry/allocators/bitmap.js';
import { IPRange } from '../../src/registry/allocators/ip-range.js';
import { PortRange } from '../../src/registry/allocators/port-range.js';
import { ServiceAllocator } from '../../src/registry/allocators/service-allocator.js';
import { ServiceAllocationRepair } from '../../src/controllers/service-allocation-repair.js';
import { MemoryStorage } from '../../src/storage/memory/index.js';
import type { Store } from '../../src/registry/store.js';

describe('AllocationBitmap', () => {
  it('hands out every item once, then reports full', () => {
    const b = new AllocationBitmap(20, 'r', 4);
    const seen = new Set<number>();
    for (let k = 0; k < 20; k++) {
      const i = b.allocateNext();
      assert.notEqual(i, null);
      assert.ok(!seen.has(i!));
      seen.add(i!);
    }
    assert.equal(b.allocateNext(), null);
    assert.equal(b.free(), 0);
  });

  it('prefers the upper part: the first offset items go only when the rest is full', () => {
    const b = new AllocationBitmap(20, 'r', 4);
    for (let k = 0; k < 16; k++) assert.ok(b.allocateNext()! >= 4);
    for (let k = 0; k < 4; k++) assert.ok(b.allocateNext()! < 4);
  });

  it('refuses a taken item and frees on release', () => {
    const b = new AllocationBitmap(10, 'r');
    assert.equal(b.allocate(3), true);
    assert.equal(b.allocate(3), false);
    assert.equal(b.has(3), true);
    b.release(3);
    assert.equal(b.has(3), false);
    assert.equal(b.allocate(3), true);
    b.release(7);
    assert.equal(b.used(), 1);
  });

  it("snapshots as Go's big.Int.Bytes(): big-endian, bit i is item i, no leading zeros", () => {
    const b = new AllocationBitmap(100, '10.0.0.0/24');
    assert.deepEqual([...b.snapshot()], []);
    b.allocate(0);
    assert.deepEqual([...b.snapshot()], [0x01]);
    b.allocate(9);
    assert.deepEqual([...b.snapshot()], [0x02, 0x01]);
    b.allocate(17);
    assert.equal(b.snapshot().toString('base64'), Buffer.from([0x02, 0x02, 0x01]).toString('base64'));
  });

  it('restores a snapshot and refuses one of another range', () => {
    const a = new AllocationBitmap(300, 'x');
    for (const i of [0, 5, 64, 255, 299]) a.allocate(i);
    const b = new AllocationBitmap(300, 'x');
    b.restore('x', a.snapshot());
    const got: number[] = [];
    b.forEach(i => got.push(i));
    assert.deepEqual(got, [0, 5, 64, 255, 299]);
    assert.equal(b.used(), 5);
    assert.throws(() => b.restore('y', a.snapshot()), /does not match/);
  });
});

describe('IPRange and PortRange', () => {
  it('skips the network and broadcast addresses of an IPv4 range', () => {
    const r = IPRange.parse('10.96.0.0/12');
    assert.equal(r.spec, '10.96.0.0/12');
    assert.equal(r.max, 2 ** 20 - 2);
    assert.equal(r.offset, 256);
    assert.equal(r.first(), '10.96.0.1');
    assert.equal(r.indexOf('10.96.0.1'), 0);
    assert.equal(r.indexOf('10.96.0.10'), 9);
    assert.equal(r.indexOf('10.96.0.0'), null);
    assert.equal(r.indexOf('10.111.255.255'), null);
    assert.equal(r.indexOf('10.112.0.1'), null);
    assert.equal(r.ipAt(9), '10.96.0.10');
    assert.throws(() => r.mustIndexOf('192.168.0.1'), /the provided IP \(192\.168\.0\.1\) is not in the valid range\. The range of valid IPs is 10\.96\.0\.0\/12/);
  });

  it('caps IPv6 ranges at 65536 addresses and keeps the last one', () => {
    const r = IPRange.parse('fd00::/108');
    assert.equal(r.family, 'IPv6');
    assert.equal(r.max, 65535);
    assert.equal(r.first(), 'fd00::1');
    assert.equal(r.indexOf('fd00::ffff'), 65534);
  });

  it('uses no static block for tiny ranges', () => {
    assert.equal(IPRange.parse('10.0.0.0/28').offset, 0);
    assert.equal(IPRange.parse('10.0.0.0/24').offset, 16);
  });

  it('maps node ports to offsets from the base', () => {
    const p = new PortRange(30000, 2768);
    assert.equal(p.spec, '30000-32767');
    assert.equal(p.offset, 86);
    assert.equal(p.indexOf(30000), 0);
    assert.equal(p.indexOf(32767), 2767);
    assert.equal(p.indexOf(32768), null);
    assert.throws(() => p.mustIndexOf(80), /provided port is not in the valid range\. The range of valid ports is 30000-32767/);
  });
});

function service(name: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: { type: 'ClusterIP', ports: [{ port: 80, protocol: 'TCP' }], ...spec } };
}

async function setup(ranges = ['10.0.0.0/24'], size = 100): Promise<{ alloc: ServiceAllocator; storage: MemoryStorage; items: KubeObject[] }> {
  const storage = new MemoryStorage();
  const alloc = new ServiceAllocator({ storage, etcdPrefix: '/registry', serviceClusterIPRanges: ranges, nodePortRange: { base: 30000, size } });
  const items: KubeObject[] = [];
  const services = { list: async () => ({ items, resourceVersion: '1' }) } as unknown as Store;
  await new ServiceAllocationRepair(services, alloc).runOnce();
  return { alloc, storage, items };
}

describe('ServiceAllocator', () => {
  it('stores the ranges as RangeAllocation objects at upstream keys', async () => {
    const { storage } = await setup(['10.0.0.0/24', 'fd00::/120']);
    const v4 = await storage.get('/registry/ranges/serviceips');
    assert.equal(v4['kind'], 'RangeAllocation');
    assert.equal(v4['range'], '10.0.0.0/24');
    assert.equal(v4['data'], '');
    assert.equal((await storage.get('/registry/ranges/secondaryserviceips'))['range'], 'fd00::/120');
    assert.equal((await storage.get('/registry/ranges/servicenodeports'))['range'], '30000-30099');
  });

  it('allocates a ClusterIP and refuses a taken one with a 422', async () => {
    const { alloc, storage } = await setup();
    const a = service('a', { clusterIP: '10.0.0.10' });
    await (await alloc.beginCreate(a, false)).commit();
    assert.deepEqual((a['spec'] as Record<string, unknown>)['clusterIPs'], ['10.0.0.10']);
    assert.deepEqual((a['spec'] as Record<string, unknown>)['ipFamilies'], ['IPv4']);
    assert.equal((a['spec'] as Record<string, unknown>)['ipFamilyPolicy'], 'SingleStack');
    // 10.0.0.10 is item 9: bit 9 of the big-endian integer.
    const data = Buffer.from(String((await storage.get('/registry/ranges/serviceips'))['data']), 'base64');
    assert.deepEqual([...data], [0x02, 0x00]);
    await assert.rejects(alloc.beginCreate(service('b', { clusterIP: '10.0.0.10' }), false), (e: Error & { code?: number }) => {
      assert.equal(e.code, 422);
      assert.equal(e.message, 'Service "b" is invalid: spec.clusterIPs: Invalid value: ["10.0.0.10"]: failed to allocate IP 10.0.0.10: provided IP is already allocated');
      return true;
    });
    await assert.rejects(alloc.beginCreate(service('c', { clusterIP: '10.1.0.10' }), false), /failed to allocate IP 10\.1\.0\.10: the provided IP \(10\.1\.0\.10\) is not in the valid range/);
  });

  it('releases on delete, on revert and on a change to ExternalName', async () => {
    const { alloc } = await setup();
    const a = service('a', { clusterIP: '10.0.0.20' });
    await (await alloc.beginCreate(a, false)).commit();
    await alloc.release(a);
    const b = service('b', { clusterIP: '10.0.0.20' });
    const txn = await alloc.beginCreate(b, false);
    await txn.revert();
    const c = service('c', { clusterIP: '10.0.0.20' });
    await (await alloc.beginCreate(c, false)).commit();
    const toExternal: KubeObject = { ...c, spec: { type: 'ExternalName', externalName: 'example.com' } };
    await (await alloc.beginUpdate(toExternal, c, false)).commit();
    await (await alloc.beginCreate(service('d', { clusterIP: '10.0.0.20' }), false)).commit();
  });

  it('leaves headless services without an IP and defaults selectorless ones to RequireDualStack', async () => {
    const { alloc } = await setup(['10.0.0.0/24', 'fd00::/120']);
    const h = service('h', { clusterIP: 'None' });
    await alloc.beginCreate(h, false);
    const spec = h['spec'] as Record<string, unknown>;
    assert.deepEqual(spec['clusterIPs'], ['None']);
    assert.equal(spec['ipFamilyPolicy'], 'RequireDualStack');
    assert.deepEqual(spec['ipFamilies'], ['IPv4', 'IPv6']);
  });

  it('gives dual-stack services one IP per family and refuses RequireDualStack on a single-stack cluster', async () => {
    const dual = await setup(['10.0.0.0/24', 'fd00::/120']);
    const s = service('s', { ipFamilyPolicy: 'PreferDualStack' });
    await dual.alloc.beginCreate(s, false);
    const spec = s['spec'] as Record<string, unknown>;
    assert.deepEqual(spec['ipFamilies'], ['IPv4', 'IPv6']);
    const ips = spec['clusterIPs'] as string[];
    assert.match(ips[0]!, /^10\.0\.0\./);
    assert.match(ips[1]!, /^fd00::/);
    const single = await setup();
    await assert.rejects(single.alloc.beginCreate(service('r', { ipFamilyPolicy: 'RequireDualStack' }), false),
      /spec\.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not configured for dual-stack services/);
  });

  it('allocates node ports (one per port number), a health-check port, and refuses a taken port', async () => {
    const { alloc } = await setup(['10.0.0.0/24'], 100);
    const a = service('a', {
      type: 'LoadBalancer', externalTrafficPolicy: 'Local',
      ports: [{ port: 53, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }, { port: 80, protocol: 'TCP', nodePort: 30007 }],
    });
    await (await alloc.beginCreate(a, false)).commit();
    const spec = a['spec'] as { ports: { nodePort: number }[]; healthCheckNodePort: number };
    assert.equal(spec.ports[0]!.nodePort, spec.ports[1]!.nodePort);
    assert.equal(spec.ports[2]!.nodePort, 30007);
    assert.ok(spec.healthCheckNodePort >= 30000 && spec.healthCheckNodePort < 30100);
    assert.notEqual(spec.healthCheckNodePort, spec.ports[0]!.nodePort);
    await assert.rejects(alloc.beginCreate(service('b', { type: 'NodePort', ports: [{ port: 1, protocol: 'TCP', nodePort: 30007 }] }), false),
      /Service "b" is invalid: spec\.ports\[0\]\.nodePort: Invalid value: 30007: provided port is already allocated/);
    await assert.rejects(alloc.beginCreate(service('c', { type: 'NodePort', ports: [{ port: 1, protocol: 'TCP', nodePort: 80 }] }), false),
      /spec\.ports\[0\]\.nodePort: Invalid value: 80: provided port is not in the valid range\. The range of valid ports is 30000-30099/);
  });

  it('repair frees a leaked value only after three passes and keeps used ones', async () => {
    const { alloc, items } = await setup();
    const used = service('used', { clusterIP: '10.0.0.5' });
    await (await alloc.beginCreate(used, false)).commit();
    items.push(used);
    await (await alloc.beginCreate(service('leak', { clusterIP: '10.0.0.6' }), false)).commit();
    const repair = new ServiceAllocationRepair({ list: async () => ({ items, resourceVersion: '1' }) } as unknown as Store, alloc);
    const fam = alloc.ipStores()[0]!;
    const held = async (ip: string) => (await fam.store.read())!.bitmap.has(fam.range.indexOf(ip)!);
    await repair.runOnce();
    await repair.runOnce();
    assert.equal(await held('10.0.0.6'), true);
    await repair.runOnce();
    assert.equal(await held('10.0.0.6'), false);
    assert.equal(await held('10.0.0.5'), true);
  });
});
