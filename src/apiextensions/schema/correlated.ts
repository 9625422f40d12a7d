// A new value paired with the old value at the same place (upstream's common.CorrelatedObject),
// the basis of validation ratcheting: errors on a value equal to its old value are dropped.
// Object fields correlate by name, list-type=map items by their keys; anything else (sets,
// atomic lists, fields without a schema) does not correlate and ratchets with its parent.
import type { JSONSchemaProps } from '../types.js';
import { canonicalJSON } from './openapi.js';
import { isObj, itemsSchema } from './structural.js';

export class Correlated {
  private equalCache: boolean | undefined;
  private readonly children = new Map<string | number, Correlated | undefined>();
  private oldByKey: Map<string, unknown> | undefined;

  constructor(readonly value: unknown, readonly old: unknown, readonly schema: JSONSchemaProps | undefined) {}

  /** The field k of both values, when both have it and a schema applies to it. */
  key(k: string): Correlated | undefined {
    if (this.children.has(k)) return this.children.get(k);
    let child: Correlated | undefined;
    const s = this.schema;
    if (s && isObj(this.value) && isObj(this.old) && Object.hasOwn(this.value, k) && Object.hasOwn(this.old, k)) {
      const prop = s.properties && Object.hasOwn(s.properties, k) ? s.properties[k] : undefined;
      const sub = prop ?? (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined);
      if (sub) child = new Correlated(this.value[k], this.old[k], sub);
    }
    this.children.set(k, child);
    return child;
  }

  /** Item i of the new list with the old item of the same list-map keys. */
  index(i: number): Correlated | undefined {
    if (this.children.has(i)) return this.children.get(i);
    let child: Correlated | undefined;
    const items = itemsSchema(this.schema);
    if (items && Array.isArray(this.value) && i < this.value.length && Array.isArray(this.old) && this.isMapList()) {
      const k = this.mapKey(this.value[i]);
      const old = k === undefined ? undefined : this.oldItems().get(k);
      if (old !== undefined) child = new Correlated(this.value[i], old, items);
    }
    this.children.set(i, child);
    return child;
  }

  /** Deep equality of new and old, through correlated children (list maps compare by key). */
  equal(): boolean {
    this.equalCache ??= this.computeEqual();
    return this.equalCache;
  }

  private computeEqual(): boolean {
    const { value: v, old: o } = this;
    if (v === undefined || v === null || o === undefined || o === null) return (v ?? null) === (o ?? null);
    if (Array.isArray(v) !== Array.isArray(o) || isObj(v) !== isObj(o)) return false;
    if (Array.isArray(v) && Array.isArray(o)) {
      if (v.length !== o.length) return false;
      if (!this.isMapList()) return canonicalJSON(v) === canonicalJSON(o);
      return v.every((_, i) => this.index(i)?.equal() === true);
    }
    if (isObj(v) && isObj(o)) {
      const keys = Object.keys(v);
      return keys.length === Object.keys(o).length && keys.every(k => this.key(k)?.equal() === true);
    }
    return v === o;
  }

  private isMapList(): boolean {
    const s = this.schema;
    return !!s && s['x-kubernetes-list-type'] === 'map' && (s['x-kubernetes-list-map-keys'] ?? []).length > 0;
  }

  /** The item's composite key; undefined when a key field is missing or not a scalar. */
  private mapKey(item: unknown): string | undefined {
    if (!isObj(item)) return undefined;
    const keys = this.schema?.['x-kubernetes-list-map-keys'] ?? [];
    const values = keys.map(k => item[k]);
    return values.every(v => ['string', 'number', 'boolean'].includes(typeof v)) ? canonicalJSON(values) : undefined;
  }

  private oldItems(): Map<string, unknown> {
    if (!this.oldByKey) {
      this.oldByKey = new Map();
      // The first item of a key wins, as upstream's map list keeps it.
      for (const item of this.old as unknown[]) {
        const k = this.mapKey(item);
        if (k !== undefined && !this.oldByKey.has(k)) this.oldByKey.set(k, item);
      }
    }
    return this.oldByKey;
  }
}
