// The APIServices in memory (an informer over the apiservices store), with a revision that goes
// up on every change so discovery and OpenAPI know when to rebuild.
import type { KubeObject } from '../api/types.js';
import { Informer } from '../registry/informer.js';
import type { Store } from '../registry/store.js';
import { asAPIService, type APIService } from './types.js';

/** What the proxy, discovery and the controllers read. */
export interface APIServiceLister {
  get(name: string): APIService | undefined;
  list(): APIService[];
  revision(): number;
  onChange(fn: (type: 'ADDED' | 'MODIFIED' | 'DELETED', s: APIService) => void): void;
}

export class APIServiceRegistry implements APIServiceLister {
  private readonly informer: Informer;
  private rev = 0;
  private readonly listeners: ((type: 'ADDED' | 'MODIFIED' | 'DELETED', s: APIService) => void)[] = [];

  constructor(store: Store) {
    this.informer = new Informer(store);
    this.informer.onEvent((type, obj: KubeObject) => {
      this.rev += 1;
      const s = asAPIService(obj);
      for (const fn of this.listeners) fn(type, s);
    });
  }

  start(): Promise<void> {
    return this.informer.start();
  }

  stop(): void {
    this.informer.stop();
  }

  get(name: string): APIService | undefined {
    const o = this.informer.get('', name);
    return o ? asAPIService(o) : undefined;
  }

  list(): APIService[] {
    return this.informer.list().map(asAPIService);
  }

  revision(): number {
    return this.rev;
  }

  onChange(fn: (type: 'ADDED' | 'MODIFIED' | 'DELETED', s: APIService) => void): void {
    this.listeners.push(fn);
  }
}
