// An in-process informer: lists a store, then watches from the list's resourceVersion, keeping
// an in-memory copy. It relists when the watch ends or reports an error (410 included), as
// client-go's reflector does. Used where a per-request etcd read would be wasteful.
import type { KubeObject } from '../api/types.js';
import { log } from '../observability/logger.js';
import type { Watcher } from '../storage/interface.js';
import type { Store } from './store.js';

export type InformerHandler = (type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: KubeObject) => void;

const keyOf = (o: KubeObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;

export class Informer {
  private readonly items = new Map<string, KubeObject>();
  private watcher: Watcher | undefined;
  private stopped = false;
  private synced: Promise<void> | undefined;
  private readonly handlers: InformerHandler[] = [];

  constructor(private readonly store: Store, private readonly retryMs = 1000) {}

  onEvent(h: InformerHandler): void {
    this.handlers.push(h);
  }

  /** Resolves once the first list is in memory. */
  start(): Promise<void> {
    this.synced ??= new Promise<void>(resolve => { void this.run(resolve); });
    return this.synced;
  }

  stop(): void {
    this.stopped = true;
    this.watcher?.stop();
  }

  get(namespace: string, name: string): KubeObject | undefined {
    return this.items.get(`${namespace}/${name}`);
  }

  list(): KubeObject[] {
    return [...this.items.values()];
  }

  private emit(type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: KubeObject): void {
    for (const h of this.handlers) h(type, obj);
  }

  private async run(onSynced: () => void): Promise<void> {
    while (!this.stopped) {
      try {
        const { items, resourceVersion } = await this.store.list('', {});
        const fresh = new Map(items.map(o => [keyOf(o), o]));
        for (const [k, old] of this.items) if (!fresh.has(k)) { this.items.delete(k); this.emit('DELETED', old); }
        for (const [k, o] of fresh) {
          const had = this.items.get(k);
          this.items.set(k, o);
          if (!had) this.emit('ADDED', o);
          else if (had.metadata.resourceVersion !== o.metadata.resourceVersion) this.emit('MODIFIED', o);
        }
        onSynced();
        this.watcher = this.store.watch('', { resourceVersion });
        for await (const ev of this.watcher) {
          if (ev.type === 'ERROR') break;
          if (ev.type === 'BOOKMARK') continue;
          if (ev.type === 'DELETED') this.items.delete(keyOf(ev.object));
          else this.items.set(keyOf(ev.object), ev.object);
          this.emit(ev.type, ev.object);
        }
      } catch (e) {
        log.v(2).info('informer list/watch failed; retrying', { resource: this.store.info.resource, err: e instanceof Error ? e.message : String(e) });
      }
      if (!this.stopped) await new Promise(r => setTimeout(r, this.retryMs));
    }
  }
}
