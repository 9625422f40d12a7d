// Client data may use any string as a key, "__proto__" and "constructor" among them. These read
// and write own properties only, so such keys stay ordinary data and never reach Object.prototype.

/** The own property key of obj, or undefined when obj has no such own property. */
export function getOwn(obj: object, key: string): unknown {
  return Object.hasOwn(obj, key) ? (obj as Record<string, unknown>)[key] : undefined;
}

/** Sets an own, enumerable property; plain assignment to "__proto__" would replace the prototype. */
export function setOwn(obj: object, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else (obj as Record<string, unknown>)[key] = value;
}
