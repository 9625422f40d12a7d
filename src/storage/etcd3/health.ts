// healthy: upstream's etcd health check reads the key "health" within --etcd-healthcheck-timeout.
import { bytes, createClient, type Etcd3StorageOptions, type EtcdContext } from './client.js';

export async function healthy(ctx: EtcdContext, timeoutMs: number): Promise<boolean> {
  try {
    await ctx.client.kv.range({ key: bytes('health') }, { deadline: new Date(Date.now() + timeoutMs) });
    return true;
  } catch {
    return false;
  }
}

/**
 * Reads "health" from one etcd server over its own short-lived client (upstream's
 * componentstatus EtcdServer prober, one per server); throws what the read failed with.
 */
export async function probeEndpoint(endpoint: string, opts: Pick<Etcd3StorageOptions, 'caFile' | 'certFile' | 'keyFile'>, timeoutMs: number): Promise<void> {
  const client = createClient({ ...opts, endpoints: [endpoint], requestTimeoutMs: timeoutMs });
  try {
    await client.kv.range({ key: bytes('health') }, { deadline: new Date(Date.now() + timeoutMs) });
  } finally {
    client.close();
  }
}
