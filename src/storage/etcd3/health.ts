// healthy: upstream's etcd health check reads the key "health" within --etcd-healthcheck-timeout.
import { bytes, type EtcdContext } from './client.js';

export async function healthy(ctx: EtcdContext, timeoutMs: number): Promise<boolean> {
  try {
    await ctx.client.kv.range({ key: bytes('health') }, { deadline: new Date(Date.now() + timeoutMs) });
    return true;
  } catch {
    return false;
  }
}
