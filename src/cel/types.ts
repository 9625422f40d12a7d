// CEL types as the checker sees them. @bufbuild/cel's own checker only handles constants and
// identifiers, so the project checks expressions itself; these types also carry the size bounds
// upstream's cost estimator reads (maxElements: longest string/bytes, most list items or map entries).

type Simple = 'int' | 'uint' | 'double' | 'bool' | 'string' | 'bytes' | 'null' | 'dyn' | 'type' | 'timestamp' | 'duration';

export type CelT =
  | { kind: Simple; maxElements?: number }
  | { kind: 'list'; elem: CelT; maxElements?: number }
  | { kind: 'map'; key: CelT; value: CelT; maxElements?: number }
  /** A schema object: known fields only. */
  | { kind: 'object'; name: string; fields: Map<string, CelT>; maxElements?: number }
  /** Library types (URL, IP, CIDR, Quantity, format) and optional(T). */
  | { kind: 'opaque'; name: string; params?: CelT[]; maxElements?: number }
  /** A type parameter of a generic overload signature. */
  | { kind: 'param'; name: string; maxElements?: number };

const simple = (kind: Simple): CelT => ({ kind });

export const T = {
  int: simple('int'), uint: simple('uint'), double: simple('double'), bool: simple('bool'),
  string: simple('string'), bytes: simple('bytes'), null: simple('null'), dyn: simple('dyn'),
  type: simple('type'), timestamp: simple('timestamp'), duration: simple('duration'),
  list: (elem: CelT, maxElements?: number): CelT => ({ kind: 'list', elem, maxElements }),
  map: (key: CelT, value: CelT, maxElements?: number): CelT => ({ kind: 'map', key, value, maxElements }),
  opaque: (name: string, ...params: CelT[]): CelT => ({ kind: 'opaque', name, params }),
  param: (name: string): CelT => ({ kind: 'param', name }),
  A: { kind: 'param', name: 'A' } as CelT,
  B: { kind: 'param', name: 'B' } as CelT,
};

export const URL_T = T.opaque('kubernetes.URL');
export const IP_T = T.opaque('net.IP');
export const CIDR_T = T.opaque('net.CIDR');
export const QUANTITY_T = T.opaque('kubernetes.Quantity');
export const FORMAT_T = T.opaque('kubernetes.NamedFormat');
export const optionalOf = (t: CelT): CelT => T.opaque('optional_type', t);

/** The type's name as cel-go prints it in checker messages. */
export function typeName(t: CelT): string {
  switch (t.kind) {
    case 'list': return `list(${typeName(t.elem)})`;
    case 'map': return `map(${typeName(t.key)}, ${typeName(t.value)})`;
    case 'object': return t.name;
    case 'opaque': return t.params?.length ? `${t.name}(${t.params.map(typeName).join(', ')})` : t.name;
    case 'null': return 'null_type';
    case 'timestamp': return 'google.protobuf.Timestamp';
    case 'duration': return 'google.protobuf.Duration';
    default: return t.kind;
  }
}

export type Bindings = Map<string, CelT>;

function resolve(t: CelT, b: Bindings): CelT {
  while (t.kind === 'param' && b.has(t.name) && b.get(t.name)!.kind !== 'dyn') t = b.get(t.name)!;
  return t;
}

/** Replaces bound type parameters; unbound ones become dyn. */
export function substitute(t: CelT, b: Bindings): CelT {
  t = resolve(t, b);
  switch (t.kind) {
    case 'param': return T.dyn;
    case 'list': return { ...t, elem: substitute(t.elem, b) };
    case 'map': return { ...t, key: substitute(t.key, b), value: substitute(t.value, b) };
    case 'opaque': return t.params?.length ? { ...t, params: t.params.map(p => substitute(p, b)) } : t;
    default: return t;
  }
}

/**
 * Whether a value of type `actual` fits `formal`, binding formal's type parameters. dyn fits
 * everything both ways, as in cel-go's assignability rules.
 */
export function unify(formal: CelT, actual: CelT, b: Bindings): boolean {
  formal = resolve(formal, b);
  actual = resolve(actual, b);
  if (formal.kind === 'param') {
    const bound = b.get(formal.name);
    // A parameter first bound to dyn (an empty literal) narrows to the first concrete type seen.
    if (bound && bound.kind === 'dyn' && actual.kind !== 'dyn') {
      b.set(formal.name, actual);
      return true;
    }
    b.set(formal.name, actual);
    return true;
  }
  if (actual.kind === 'param') {
    b.set(actual.name, formal);
    return true;
  }
  if (formal.kind === 'dyn' || actual.kind === 'dyn') return true;
  // null is assignable to the nullable wrapper-like kinds cel-go allows it for.
  if (actual.kind === 'null' && ['object', 'timestamp', 'duration', 'opaque'].includes(formal.kind)) return true;
  if (formal.kind !== actual.kind) return false;
  switch (formal.kind) {
    case 'list': return unify(formal.elem, (actual as typeof formal).elem, b);
    case 'map': {
      const a = actual as typeof formal;
      return unify(formal.key, a.key, b) && unify(formal.value, a.value, b);
    }
    case 'object': return formal === actual || formal.name === (actual as typeof formal).name;
    case 'opaque': {
      const a = actual as typeof formal;
      if (formal.name !== a.name) return false;
      return (formal.params ?? []).every((p, i) => unify(p, a.params?.[i] ?? T.dyn, b));
    }
    default: return true;
  }
}

/** The common type of two branches (ternary, list literal elements): dyn when they differ. */
export function join(a: CelT, b: CelT): CelT {
  if (a.kind === 'dyn' || b.kind === 'dyn') return T.dyn;
  if (a.kind === 'null') return b;
  if (b.kind === 'null') return a;
  const bind: Bindings = new Map();
  if (unify(a, b, bind) && unify(b, a, bind)) return a;
  return T.dyn;
}
