// Function overloads: one declaration serves the checker (signature), the evaluator (impl and
// runtime cost) and the static cost estimator, so the three cannot drift apart.
import { type CelT } from './types.js';
import { CelMapV, OpaqueV, OptionalV, Uint, Duration, Timestamp, TypeV, type Value } from './values.js';

/** Upper bounds the estimator knows for each argument (receiver first). */
export interface ArgSizes {
  readonly sizes: readonly number[];
}

export interface Overload {
  readonly name: string;
  /** Called as receiver.name(args): the receiver is args[0]. */
  readonly member: boolean;
  readonly args: readonly CelT[];
  readonly result: CelT;
  readonly impl: (args: Value[]) => Value;
  /** Runtime cost of the call itself, from the argument values; 1 when absent. */
  readonly cost?: (args: Value[]) => number;
  /** Estimated worst-case cost of the call itself from the arguments' max sizes; 1 when absent. */
  readonly estimate?: (sizes: readonly number[]) => number;
  /** Max size of the result from the arguments' max sizes, when the result type's own bound is not enough. */
  readonly resultSize?: (sizes: readonly number[]) => number;
}

type Impl = (args: Value[]) => Value;
type Extra = Pick<Overload, 'cost' | 'estimate' | 'resultSize'>;

export const fn = (name: string, args: CelT[], result: CelT, impl: Impl, extra: Extra = {}): Overload =>
  ({ name, member: false, args, result, impl, ...extra });

export const method = (name: string, args: CelT[], result: CelT, impl: Impl, extra: Extra = {}): Overload =>
  ({ name, member: true, args, result, impl, ...extra });

/** cel-go's StringTraversalCostFactor. */
export const TRAVERSAL = 0.1;
/** cel-go's RegexStringLengthCostFactor. */
export const REGEX_FACTOR = 0.25;

/** Cost proportional to the size of argument i, as cel-go scales string and list traversals. */
export const linear = (i: number, factor = TRAVERSAL): Extra => ({
  cost: args => Math.ceil(sizeForCost(args[i]!) * factor),
  estimate: sizes => Math.ceil((sizes[i] ?? 0) * factor),
});

function sizeForCost(v: Value): number {
  if (typeof v === 'string') return v.length;
  if (v instanceof Uint8Array || Array.isArray(v)) return v.length;
  if (v instanceof CelMapV) return v.entries.size;
  return 1;
}

/** Whether a runtime value can be passed where type t is expected. */
export function valueFits(t: CelT, v: Value): boolean {
  switch (t.kind) {
    case 'dyn': case 'param': return true;
    case 'int': return typeof v === 'bigint';
    case 'uint': return v instanceof Uint;
    case 'double': return typeof v === 'number';
    case 'bool': return typeof v === 'boolean';
    case 'string': return typeof v === 'string';
    case 'bytes': return v instanceof Uint8Array;
    case 'null': return v === null;
    case 'type': return v instanceof TypeV;
    case 'timestamp': return v instanceof Timestamp;
    case 'duration': return v instanceof Duration;
    case 'list': return Array.isArray(v);
    case 'map': case 'object': return v instanceof CelMapV;
    case 'opaque': return t.name === 'optional_type' ? v instanceof OptionalV : v instanceof OpaqueV && v.typeName === t.name;
  }
}

/** Overloads grouped by function name for lookup. */
export class FunctionSet {
  private readonly byName = new Map<string, Overload[]>();

  constructor(overloads: Iterable<Overload>) {
    for (const o of overloads) {
      const list = this.byName.get(o.name) ?? [];
      list.push(o);
      this.byName.set(o.name, list);
    }
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  candidates(name: string, member: boolean, arity: number): Overload[] {
    return (this.byName.get(name) ?? []).filter(o => o.member === member && o.args.length === arity);
  }

  /** The first overload whose parameters accept the runtime arguments. */
  dispatch(name: string, member: boolean, args: Value[]): Overload | undefined {
    return this.candidates(name, member, args.length).find(o => o.args.every((t, i) => valueFits(t, args[i]!)));
  }
}
