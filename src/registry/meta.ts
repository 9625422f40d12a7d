// Small helpers over object metadata shared by the registry verbs.
import { randomInt, randomUUID } from 'node:crypto';
import type { KubeObject } from '../api/types.js';

/** RFC 3339 at second precision, as metav1.Time serializes. */
export function nowTimestamp(now = new Date()): string {
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// upstream's utilrand alphabet: no vowels (no words) and no confusable characters.
const nameAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

export function generateName(base: string): string {
  // Upstream trims the base so the whole name fits in 63 characters.
  const trimmed = base.length > 58 ? base.slice(0, 58) : base;
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += nameAlphabet[randomInt(nameAlphabet.length)];
  return trimmed + suffix;
}

export function newUid(): string {
  return randomUUID();
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => deepEqual(v, bb[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao).filter(k => ao[k] !== undefined);
  const bk = Object.keys(bo).filter(k => bo[k] !== undefined);
  return ak.length === bk.length && ak.every(k => deepEqual(ao[k], bo[k]));
}

export function clone<T>(v: T): T {
  return structuredClone(v);
}

/** Everything but metadata and status: what a generation bump compares. */
export function specPart(obj: KubeObject): Record<string, unknown> {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return rest;
}
