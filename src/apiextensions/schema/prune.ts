// Pruning of unknown fields (apiextensions schema/pruning): drops every field the structural
// schema does not specify and reports each dropped path, sorted, as strict field validation
// prints them (`unknown field "spec.foo"`).
import type { JSONSchemaProps } from '../types.js';
import { asResourceRoot, childSchema, isObj, itemsSchema, metaFields } from './structural.js';

class Paths {
  readonly unknown: string[] = [];
  private parent: string[] = [];
  key(k: string): number {
    const len = this.parent.length;
    this.parent.push(len > 0 ? `.${k}` : k);
    return len;
  }
  index(i: number): number {
    const len = this.parent.length;
    this.parent.push(`[${i}]`);
    return len;
  }
  reset(len: number): void {
    this.parent.length = len;
  }
  get depth(): number {
    return this.parent.length;
  }
  record(k: string): void {
    const len = this.key(k);
    this.unknown.push(this.parent.join(''));
    this.reset(len);
  }
}

function prune(x: unknown, s: JSONSchemaProps | null | undefined, p: Paths): void {
  if (s?.['x-kubernetes-preserve-unknown-fields']) {
    skipPrune(x, s, p);
    return;
  }
  if (isObj(x)) {
    for (const k of Object.keys(x)) {
      if (s?.['x-kubernetes-embedded-resource'] && metaFields.has(k)) continue;
      const child = s ? childSchema(s, k) : undefined;
      if (child !== undefined) {
        const len = p.key(k);
        prune(x[k], child, p);
        p.reset(len);
        continue;
      }
      // apiVersion/kind/metadata are dropped silently at the root only.
      if (!metaFields.has(k) || p.depth > 0) p.record(k);
      delete x[k];
    }
  } else if (Array.isArray(x)) {
    const items = s ? itemsSchema(s) : undefined;
    x.forEach((v, i) => {
      const len = p.index(i);
      prune(v, items, p);
      p.reset(len);
    });
  }
}

// Below x-kubernetes-preserve-unknown-fields unknown keys stay, but specified ones are pruned.
function skipPrune(x: unknown, s: JSONSchemaProps | null | undefined, p: Paths): void {
  if (!s) return;
  if (isObj(x)) {
    for (const k of Object.keys(x)) {
      if (s['x-kubernetes-embedded-resource'] && metaFields.has(k)) continue;
      const child = childSchema(s, k);
      if (child === undefined) continue;
      const len = p.key(k);
      prune(x[k], child, p);
      p.reset(len);
    }
  } else if (Array.isArray(x)) {
    x.forEach((v, i) => {
      const len = p.index(i);
      skipPrune(v, itemsSchema(s), p);
      p.reset(len);
    });
  }
}

/** Prunes obj in place; returns the pruned field paths, sorted (Go's sort.Strings). */
export function pruneCustomResource(obj: unknown, schema: JSONSchemaProps | undefined, opts: { isResourceRoot: boolean }): string[] {
  const s = opts.isResourceRoot ? asResourceRoot(schema) : schema;
  const p = new Paths();
  prune(obj, s, p);
  return p.unknown.sort(byteOrder);
}

/** Go's string ordering: by UTF-8 bytes, not UTF-16 units. */
export const byteOrder = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));
