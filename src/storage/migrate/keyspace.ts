// What the migration moves: every key under a prefix with its stored bytes as they are (so values
// encrypted at rest stay encrypted) and the time its TTL has left.

export interface StoredKey {
  key: string;
  value: Buffer;
  /** Seconds until a TTL key expires (at least 1); undefined for keys that never expire. */
  ttlSeconds?: number;
}

/** One side of a migration: a store read or written below the API server, key by key. */
export interface Keyspace {
  /** Every live key under prefix, in key order. */
  read(prefix: string): AsyncIterable<StoredKey>;
  /** How many live keys are under prefix. */
  count(prefix: string): Promise<number>;
  /** Writes keys that do not exist yet; throws if one does. */
  write(keys: StoredKey[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * Copies every key under prefix from one store to another, in batches. The destination must hold
 * nothing under prefix: merging two clusters' keys would mix objects of unrelated histories.
 * Resolves with the number of keys copied.
 */
export async function copyKeyspace(from: Keyspace, to: Keyspace, prefix: string, batchSize = 500): Promise<number> {
  const existing = await to.count(prefix);
  if (existing > 0) throw new Error(`the destination already holds ${existing} keys under ${prefix}; migrate into an empty store`);
  let copied = 0;
  let batch: StoredKey[] = [];
  for await (const key of from.read(prefix)) {
    batch.push(key);
    if (batch.length >= batchSize) {
      await to.write(batch);
      copied += batch.length;
      batch = [];
    }
  }
  if (batch.length > 0) await to.write(batch);
  return copied + batch.length;
}
