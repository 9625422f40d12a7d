// Serialize once: a decoded object that many readers share (a watch cache revision, its served
// conversion, its PartialObjectMetadata view) is deep-frozen and registered here, and whatever is
// derived from it repeatedly (its JSON, YAML or protobuf bytes, another version) is remembered on
// it. Freezing is what makes the memo safe: a shared object cannot change after its bytes were
// taken, and a caller that tries to mutate one fails loudly instead of corrupting other readers.

/** Derived forms by key: a string ('json', 'yaml', …) or an object (a conversion's identity). */
const forms = new WeakMap<object, Map<unknown, unknown>>();

function deepFreeze(value: unknown): void {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const v of Object.values(value)) deepFreeze(v);
}

/** Freezes obj (deeply) and makes it shareable; returns obj. Parts already frozen are taken as is. */
export function share<T extends object>(obj: T): T {
  if (forms.has(obj)) return obj;
  // Freeze the parts first: a part frozen earlier (shared with another object) is not walked again.
  for (const v of Object.values(obj)) deepFreeze(v);
  Object.freeze(obj);
  forms.set(obj, new Map());
  return obj;
}

/** True for objects made by share(): immutable, so their derived forms may be remembered. */
export function isShared(obj: unknown): obj is object {
  return obj !== null && typeof obj === 'object' && forms.has(obj);
}

/** A derived form of obj, built at most once when obj is shared (every time otherwise). */
export function memo<T>(obj: unknown, key: unknown, build: () => T): T {
  const m = obj !== null && typeof obj === 'object' ? forms.get(obj) : undefined;
  if (!m) return build();
  if (m.has(key)) return m.get(key) as T;
  const v = build();
  m.set(key, v);
  return v;
}

/** A form remembered on a shared obj, if any (for forms built asynchronously or in batches). */
export function formOf<T>(obj: unknown, key: unknown): T | undefined {
  const m = obj !== null && typeof obj === 'object' ? forms.get(obj) : undefined;
  return m?.get(key) as T | undefined;
}

/** Remembers a form on a shared obj (a no-op for other objects). */
export function rememberForm(obj: unknown, key: unknown, value: unknown): void {
  if (obj !== null && typeof obj === 'object') forms.get(obj)?.set(key, value);
}

/**
 * The compact JSON of a value as UTF-8, built once per shared object (what every JSON response
 * sends): bytes, not a string, so a socket or a length count never re-encodes it.
 */
export function jsonOf(value: unknown): Buffer {
  return memo(value, 'json', () => Buffer.from(JSON.stringify(value)));
}
