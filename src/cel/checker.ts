// Type checking in the manner of cel-go's checker: every node gets a type, calls resolve against
// the declared overloads, and problems are reported with cel-go's wording.
import { qualifiedName, type Node } from './ast.js';
import { type FunctionSet, type Overload } from './functions.js';
import { typeIdentifiers } from './stdlib.js';
import { T, join, optionalOf, substitute, typeName, unify, type Bindings, type CelT } from './types.js';
import { Uint, type Value } from './values.js';

export interface CheckIssue {
  id: number;
  message: string;
}

export interface Checked {
  types: Map<number, CelT>;
  /** Calls whose target is really a namespace, e.g. format.named(...): node id → function name. */
  namespaced: Map<number, string>;
  issues: CheckIssue[];
}

function constType(v: Value): CelT {
  if (v === null) return T.null;
  switch (typeof v) {
    case 'boolean': return T.bool;
    case 'bigint': return T.int;
    case 'number': return T.double;
    case 'string': return { kind: 'string', maxElements: v.length };
  }
  if (v instanceof Uint) return T.uint;
  if (v instanceof Uint8Array) return { kind: 'bytes', maxElements: v.length };
  return T.dyn;
}

export function check(root: Node, vars: ReadonlyMap<string, CelT>, funcs: FunctionSet): Checked {
  const types = new Map<number, CelT>();
  const namespaced = new Map<number, string>();
  const issues: CheckIssue[] = [];
  const scopes: Array<Map<string, CelT>> = [];

  const report = (id: number, message: string): CelT => {
    issues.push({ id, message });
    return T.dyn;
  };

  const lookup = (name: string): CelT | undefined => {
    for (let i = scopes.length - 1; i >= 0; i--) {
      const t = scopes[i]!.get(name);
      if (t) return t;
    }
    return vars.get(name);
  };

  const resolveCall = (id: number, name: string, member: boolean, argTypes: CelT[]): CelT => {
    const matches: Array<{ o: Overload; result: CelT }> = [];
    for (const o of funcs.candidates(name, member, argTypes.length)) {
      const b: Bindings = new Map();
      if (o.args.every((p, i) => unify(p, argTypes[i]!, b))) matches.push({ o, result: substitute(o.result, b) });
    }
    if (matches.length === 0) {
      const shown = argTypes.map(typeName);
      const sig = member ? `${shown[0]}.(${shown.slice(1).join(', ')})` : `(${shown.join(', ')})`;
      return report(id, `found no matching overload for '${name}' applied to '${sig}'`);
    }
    return matches.slice(1).reduce((acc, m) => join(acc, m.result), matches[0]!.result);
  };

  const select = (id: number, operand: CelT, field: string): CelT => {
    switch (operand.kind) {
      case 'dyn': return T.dyn;
      case 'object': return operand.fields.get(field) ?? report(id, `undefined field '${field}'`);
      case 'map':
        if (operand.key.kind === 'string' || operand.key.kind === 'dyn') return operand.value;
        return report(id, `type '${typeName(operand)}' does not support field selection`);
      default: return report(id, `type '${typeName(operand)}' does not support field selection`);
    }
  };

  const visit = (n: Node): CelT => {
    const t = visitInner(n);
    types.set(n.id, t);
    return t;
  };

  const visitInner = (n: Node): CelT => {
    switch (n.k) {
      case 'const': return constType(n.v);
      case 'ident': {
        const t = lookup(n.name);
        if (t) return t;
        if (typeIdentifiers.includes(n.name)) return T.type;
        return report(n.id, `undeclared reference to '${n.name}' (in container '')`);
      }
      case 'select': {
        // A dotted name may be a variable that contains dots (authorizer.requestResource); cel-go
        // resolves the longest declared name first, unless a comprehension variable shadows it.
        const q = qualifiedName(n);
        if (q && vars.has(q) && !scopes.some(s => s.has(q.split('.')[0]!))) return vars.get(q)!;
        const operand = visit(n.operand);
        // Selecting on an optional (x.?f, and whatever follows it) yields an optional.
        const inner = operand.kind === 'opaque' && operand.name === 'optional_type' ? operand.params?.[0] ?? T.dyn : undefined;
        const field = select(n.id, inner ?? operand, n.field);
        if (n.test) return T.bool;
        return n.opt || inner ? optionalOf(field) : field;
      }
      case 'call': {
        if (n.fn === '_&&_' || n.fn === '_||_') {
          const ts = n.args.map(visit);
          if (ts.every(t => t.kind === 'bool' || t.kind === 'dyn')) return T.bool;
          return resolveCall(n.id, n.fn, false, ts);
        }
        if (n.target) {
          const ns = qualifiedName(n.target);
          const full = ns && `${ns}.${n.fn}`;
          if (full && funcs.has(full) && !lookup(ns.split('.')[0]!)) {
            namespaced.set(n.id, full);
            return resolveCall(n.id, full, false, n.args.map(visit));
          }
          return resolveCall(n.id, n.fn, true, [visit(n.target), ...n.args.map(visit)]);
        }
        const ts = n.args.map(visit);
        if (n.fn === '_?_:_') {
          if (ts[0]!.kind !== 'bool' && ts[0]!.kind !== 'dyn') return resolveCall(n.id, n.fn, false, ts);
          return join(ts[1]!, ts[2]!);
        }
        if (!funcs.has(n.fn)) return report(n.id, `undeclared reference to '${n.fn}' (in container '')`);
        return resolveCall(n.id, n.fn, false, ts);
      }
      case 'list': {
        const ts = n.elems.map(visit);
        const elem = ts.length ? ts.slice(1).reduce(join, ts[0]!) : T.dyn;
        return T.list(elem, n.elems.length);
      }
      case 'map': {
        const ks = n.entries.map(e => visit(e.key));
        const vs = n.entries.map(e => visit(e.value));
        const key = ks.length ? ks.slice(1).reduce(join, ks[0]!) : T.dyn;
        const value = vs.length ? vs.slice(1).reduce(join, vs[0]!) : T.dyn;
        return T.map(key, value, n.entries.length);
      }
      case 'comp': {
        const range = visit(n.range);
        let iter: CelT;
        if (range.kind === 'list') iter = range.elem;
        else if (range.kind === 'map') iter = range.key;
        else if (range.kind === 'dyn') iter = T.dyn;
        else iter = report(n.range.id, `expression of type '${typeName(range)}' cannot be range of a comprehension (must be list, map, or dynamic)`);
        const init = visit(n.init);
        scopes.push(new Map([[n.accuVar, init]]));
        scopes.push(new Map([[n.iterVar, iter]]));
        visit(n.cond);
        const step = visit(n.step);
        scopes.pop();
        // An empty literal accumulator (map and filter macros) takes the type the step builds.
        const emptyInit = (n.init.k === 'list' && n.init.elems.length === 0) || (n.init.k === 'map' && n.init.entries.length === 0);
        const accu = emptyInit ? step : init;
        scopes[scopes.length - 1]!.set(n.accuVar, accu);
        const result = visit(n.result);
        scopes.pop();
        return result;
      }
    }
  };

  visit(root);
  return { types, namespaced, issues };
}
