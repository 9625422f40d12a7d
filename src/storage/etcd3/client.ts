// The etcd3 client, configured for the API server: mTLS, a deadline on every unary call, no hidden
// retries or circuit breakers (a failure surfaces at once as StorageError 'Unavailable'), and
// timing of every call for etcd_request_duration_seconds.
import { readFileSync } from 'node:fs';
import type { Transformer } from '../encryption/transformers.js';
import { noop } from 'cockatiel';
import {
  ClientClosedError,
  Etcd3,
  GRPCDeadlineExceededError,
  GRPCUnavailableError,
  isRecoverableError,
  type IOptions,
  type IResponseHeader,
} from 'etcd3';
import { StorageError } from '../errors.js';

export interface Etcd3StorageOptions {
  /** https://host:port URLs; give host names, not IPs (Node warns about IP SNI). */
  endpoints: string[];
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  /** How often the compactor runs (upstream --etcd-compaction-interval, default 5 min); 0 disables it. */
  compactionIntervalMs?: number;
  /** How often watch progress is requested for bookmarks (default 60 s). */
  bookmarkIntervalMs?: number;
  /** Deadline of each unary etcd call (default 10 s). */
  requestTimeoutMs?: number;
  /** Timeout of healthy() (upstream --etcd-healthcheck-timeout, default 2 s). */
  healthCheckTimeoutMs?: number;
  /** Seconds a TTL lease may outlive the key's TTL so later keys can share it (--lease-reuse-duration-seconds, default 60). */
  leaseReuseDurationSeconds?: number;
  /** Called after every etcd call; type is the key's resource prefix, e.g. '/registry/pods'. */
  observe?: (operation: string, type: string, seconds: number, ok: boolean) => void;
  /** Told about failed periodic compactions (upstream logs them and tries again next interval). */
  onCompactionError?: (e: unknown) => void;
  /** Encryption at rest: the transformer for a key's values, or undefined to store them as they are. */
  transformerFor?: (key: string) => Transformer | undefined;
}

/** What every verb needs: the client, the deadline and the metrics hook. */
export interface EtcdContext {
  client: Etcd3;
  /** A value as etcd stores it (encrypted when a transformer covers the key). */
  toStored(key: string, json: string): Buffer;
  /** A stored value back to its JSON bytes. */
  fromStored(key: string, stored: Buffer): Buffer;
  /** Runs one etcd call under a deadline, timing it and mapping transport errors to 'Unavailable'. */
  call<T>(operation: string, key: string, fn: (options: { deadline: Date }) => Promise<T>): Promise<T>;
}

/** clientv3's default MaxCallSendMsgSize. */
export const maxCallSendBytes = 2 * 1024 * 1024;
/** Room in a txn request for the compare, the put's lease and the protobuf framing around key and value. */
const txnOverheadBytes = 1024;

/** etcd's answer to a request over its --max-request-bytes, and grpc's to one over the send limit. */
const TOO_LARGE = /etcdserver: request is too large|larger than max/;

/**
 * Refuses a value the client could not send. Checked before the call because the etcd3 library
 * treats grpc's ResourceExhausted as a broken connection and closes every stream, watches included.
 */
export function checkSendable(key: string, stored: Buffer): void {
  const size = stored.length + 2 * Buffer.byteLength(key) + txnOverheadBytes;
  if (size > maxCallSendBytes) {
    throw new StorageError('RequestTooLarge', key, 'etcdserver: request is too large');
  }
}

export function createClient(opts: Etcd3StorageOptions): Etcd3 {
  const options: IOptions = {
    hosts: opts.endpoints,
    dialTimeout: opts.requestTimeoutMs ?? 10_000,
    faultHandling: { host: () => noop, global: noop },
    grpcOptions: {
      // Upstream's etcd client keepalive: notice a dead etcd on idle watch streams.
      'grpc.keepalive_time_ms': 30_000,
      'grpc.keepalive_timeout_ms': 10_000,
      // Upstream's etcd client limits: sends up to 2 MiB, receives anything (math.MaxInt32).
      'grpc.max_send_message_length': maxCallSendBytes,
      'grpc.max_receive_message_length': -1,
    },
  };
  if (opts.caFile) {
    options.credentials = {
      rootCertificate: readFileSync(opts.caFile),
      ...(opts.certFile ? { certChain: readFileSync(opts.certFile) } : {}),
      ...(opts.keyFile ? { privateKey: readFileSync(opts.keyFile) } : {}),
    };
  }
  return new Etcd3(options);
}

/** The resource prefix of a key, the `type` label of upstream's etcd metrics: '/registry/pods/ns/x' -> '/registry/pods'. */
export function resourcePrefix(key: string): string {
  const parts = key.split('/');
  // Keys of non-core groups that collide, and of custom resources, are /registry/<group>/<resource>/...
  const n = parts.length > 4 && parts[2].includes('.') ? 4 : 3;
  return parts.slice(0, n).join('/');
}

const TRANSIENT_ETCD_ERRORS = /etcdserver: (request timed out|no leader|leader changed|too many requests|server stopped)/;

export function isUnavailableError(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  return (
    e instanceof GRPCUnavailableError ||
    e instanceof GRPCDeadlineExceededError ||
    e instanceof ClientClosedError ||
    isRecoverableError(e) ||
    TRANSIENT_ETCD_ERRORS.test(e.message)
  );
}

export function isCompactedError(e: unknown): boolean {
  return e instanceof Error && e.message.includes('required revision has been compacted');
}

export function isFutureRevisionError(e: unknown): boolean {
  return e instanceof Error && e.message.includes('required revision is a future revision');
}

export function createContext(client: Etcd3, opts: Etcd3StorageOptions): EtcdContext {
  const requestTimeoutMs = opts.requestTimeoutMs ?? 10_000;
  const observe = opts.observe;
  const transformerFor = opts.transformerFor;
  return {
    client,
    toStored: (key, json) => {
      const plain = Buffer.from(json, 'utf8');
      const t = transformerFor?.(key);
      const stored = t ? t.toStorage(plain, key) : plain;
      checkSendable(key, stored);
      return stored;
    },
    fromStored: (key, stored) => {
      const t = transformerFor?.(key);
      return t ? t.fromStorage(stored, key) : stored;
    },
    async call(operation, key, fn) {
      const started = process.hrtime.bigint();
      let ok = false;
      try {
        const result = await fn({ deadline: new Date(Date.now() + requestTimeoutMs) });
        ok = true;
        return result;
      } catch (e) {
        if (e instanceof Error && TOO_LARGE.test(e.message)) throw new StorageError('RequestTooLarge', key, 'etcdserver: request is too large');
        if (isUnavailableError(e)) throw new StorageError('Unavailable', key, (e as Error).message);
        throw e;
      } finally {
        observe?.(operation, resourcePrefix(key), Number(process.hrtime.bigint() - started) / 1e9, ok);
      }
    },
  };
}

export function bytes(s: string): Buffer {
  return Buffer.from(s, 'utf8');
}

export function revisionOf(header: IResponseHeader): bigint {
  return BigInt(header.revision);
}
