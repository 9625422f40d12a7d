// The raw baseline: the etcd3 client configured as the server's storage configures it (mTLS, no
// retry or circuit-breaker policies, no receive size limit), used directly.
import { readFileSync } from 'node:fs';
import { noop } from 'cockatiel';
import { Etcd3, type Watcher } from 'etcd3';
import type { EtcdHandle } from '../test/helpers/etcd.js';

/** The first key after every key that starts with prefix. */
function prefixEnd(prefix: string): Buffer {
  const b = Buffer.from(prefix);
  b[b.length - 1]!++;
  return b;
}

export class RawEtcd {
  readonly client: Etcd3;

  constructor(etcd: EtcdHandle) {
    this.client = new Etcd3({
      hosts: etcd.endpoint,
      credentials: { rootCertificate: readFileSync(etcd.caFile), certChain: readFileSync(etcd.certFile), privateKey: readFileSync(etcd.keyFile) },
      faultHandling: { host: () => noop, global: noop },
      grpcOptions: { 'grpc.max_receive_message_length': -1 },
    });
  }

  async put(key: string, value: string): Promise<void> {
    await this.client.kv.put({ key: Buffer.from(key), value: Buffer.from(value) });
  }

  /** The value at key; fails when there is none. */
  async get(key: string): Promise<Buffer> {
    const r = await this.client.kv.range({ key: Buffer.from(key) });
    const kv = r.kvs[0];
    if (!kv) throw new Error(`etcd has no key ${key}`);
    return kv.value;
  }

  /** Every key and value under prefix, in one range read; returns how many. */
  async range(prefix: string): Promise<number> {
    const r = await this.client.kv.range({ key: Buffer.from(prefix), range_end: prefixEnd(prefix) });
    return r.kvs.length;
  }

  /** A watch of every key under prefix from now on, with previous values (as the server asks). */
  watchPrefix(prefix: string): Promise<Watcher> {
    return this.client.watch().prefix(prefix).withPreviousKV().create();
  }

  async version(): Promise<string> {
    return (await this.client.maintenance.status()).version;
  }

  close(): void {
    this.client.close();
  }
}
