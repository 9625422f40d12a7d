// Static worst-case cost, after cel-go's checker/cost.go: identifiers and selections cost 1,
// literals 10 (list) or 30 (map) plus their parts, calls 1 unless their overload scales with
// argument sizes, and a comprehension its range's size times its loop body. Sizes come from the
// checked types, which carry the schema's (or request-size-derived) bounds.
import { qualifiedName, type Node } from './ast.js';
import { type Checked } from './checker.js';
import { type FunctionSet } from './functions.js';
import { unify, type CelT } from './types.js';

/** Size used where nothing bounds a value; large enough that any rule over it is rejected. */
export const UNBOUNDED = Number.MAX_SAFE_INTEGER;
export const LIST_CREATE_COST = 10;
export const MAP_CREATE_COST = 30;

interface Estimate {
  cost: number;
  size: number;
}

const add = (...xs: number[]) => Math.min(UNBOUNDED, xs.reduce((a, b) => a + b, 0));
const mul = (a: number, b: number) => Math.min(UNBOUNDED, a * b);

function sizeOfType(t: CelT | undefined): number {
  if (!t) return UNBOUNDED;
  if (t.maxElements !== undefined) return t.maxElements;
  // Scalars have a fixed size; only containers and strings are unbounded without a limit.
  return ['string', 'bytes', 'list', 'map', 'dyn'].includes(t.kind) ? UNBOUNDED : 1;
}

export function estimateCost(root: Node, checked: Checked, funcs: FunctionSet): number {
  const sizes = new Map<string, number[]>();

  const visit = (n: Node): Estimate => {
    const own = sizeOfType(checked.types.get(n.id));
    switch (n.k) {
      case 'const': return { cost: 0, size: own };
      case 'ident': return { cost: 1, size: sizes.get(n.name)?.at(-1) ?? own };
      case 'select': {
        if (checked.types.get(n.operand.id) === undefined && qualifiedName(n)) return { cost: 1, size: own };
        const op = visit(n.operand);
        return { cost: add(op.cost, 1), size: own };
      }
      case 'list': {
        const parts = n.elems.map(visit);
        return { cost: add(LIST_CREATE_COST, ...parts.map(p => p.cost)), size: n.elems.length };
      }
      case 'map': {
        const parts = n.entries.flatMap(e => [visit(e.key), visit(e.value)]);
        return { cost: add(MAP_CREATE_COST, ...parts.map(p => p.cost)), size: n.entries.length };
      }
      case 'comp': {
        const range = visit(n.range);
        const init = visit(n.init);
        const rangeType = checked.types.get(n.range.id);
        const elem = rangeType?.kind === 'list' ? rangeType.elem : rangeType?.kind === 'map' ? rangeType.key : undefined;
        push(n.iterVar, sizeOfType(elem));
        push(n.accuVar, n.init.k === 'list' || n.init.k === 'map' ? range.size : init.size);
        const loop = add(visit(n.cond).cost, visit(n.step).cost);
        pop(n.iterVar);
        const result = visit(n.result);
        pop(n.accuVar);
        return { cost: add(range.cost, init.cost, result.cost, mul(range.size, loop)), size: range.size };
      }
      case 'call': return call(n, own);
    }
  };

  const push = (name: string, size: number) => sizes.set(name, [...(sizes.get(name) ?? []), size]);
  const pop = (name: string) => sizes.get(name)!.pop();

  const call = (n: Extract<Node, { k: 'call' }>, own: number): Estimate => {
    const namespaced = checked.namespaced.get(n.id);
    const operands = [...(n.target && !namespaced ? [n.target] : []), ...n.args];
    const parts = operands.map(visit);
    const argCost = add(...parts.map(p => p.cost));
    if (n.fn === '_&&_' || n.fn === '_||_') return { cost: argCost, size: 1 };
    if (n.fn === '_?_:_') {
      return { cost: add(parts[0]!.cost, Math.max(parts[1]!.cost, parts[2]!.cost)), size: Math.max(parts[1]!.size, parts[2]!.size) };
    }
    const argSizes = parts.map(p => p.size);
    const argTypes = operands.map(o => checked.types.get(o.id)!);
    const name = namespaced ?? n.fn;
    const matching = funcs.candidates(name, !!n.target && !namespaced, operands.length)
      .filter(o => { const b = new Map(); return o.args.every((p, i) => unify(p, argTypes[i]!, b)); });
    let callCost = 1;
    let resultSize: number | undefined;
    for (const o of matching) {
      callCost = Math.max(callCost, o.estimate ? o.estimate(argSizes) : 1);
      if (o.resultSize) resultSize = Math.max(resultSize ?? 0, o.resultSize(argSizes));
    }
    // Results derived from bounded inputs (lowerAscii, split, ...) are taken to be no larger than them.
    const size = resultSize ?? (own !== UNBOUNDED ? own : Math.max(0, ...argSizes));
    return { cost: add(argCost, callCost), size };
  };

  return visit(root).cost;
}
