// JSON values, reading, and canonical (sorted-key) writing, so that the same input always
// produces byte-identical output.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject { [key: string]: Json }

export function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function readJson(path: string): Json {
  return JSON.parse(readFileSync(path, 'utf8')) as Json;
}

export function readObject(path: string): JsonObject {
  const v = readJson(path);
  if (!isObject(v)) throw new Error(`${path}: expected a JSON object`);
  return v;
}

/** The object at `key`, or an error naming where it was expected. */
export function objectAt(o: JsonObject, key: string, where: string): JsonObject {
  const v = o[key];
  if (!isObject(v)) throw new Error(`${where}: "${key}" is not an object`);
  return v;
}

export function clone<T extends Json>(v: T): T {
  return structuredClone(v);
}

/** Objects with keys sorted at every level (Go's encoding/json sorts map keys the same way). */
export function sortKeys(v: Json): Json {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const k of Object.keys(v).sort()) out[k] = sortKeys(v[k]!);
  return out;
}

/**
 * 'pretty' (two-space indent, final newline) is for files people review; 'compact' is for
 * documents served byte for byte, like Go's json.Marshal output.
 */
export function writeJson(path: string, value: unknown, style: 'pretty' | 'compact'): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, style === 'pretty' ? JSON.stringify(value, null, 2) + '\n' : JSON.stringify(value));
}
