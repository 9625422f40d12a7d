// Tree-walking evaluation with cel-go's runtime cost accounting (interpreter/runtimecost.go):
// identifiers and selections cost 1, list/map literals 10/30, each call its overload's cost.
// Crossing the limit aborts with cel-go's "operation cancelled" error.
import { qualifiedName, type Node } from './ast.js';
import { type Checked } from './checker.js';
import { LIST_CREATE_COST, MAP_CREATE_COST } from './cost.js';
import { type FunctionSet } from './functions.js';
import { optionalSelect } from './lib/optional.js';
import { indexMap, typeIdentifiers } from './stdlib.js';
import {
  CelEvalError, CelMapV, CostLimitError, OptionalV, TypeV, evalError, toMapKey, typeOfValue, type MapKey, type Value,
} from './values.js';

/** Variable lookup; undefined when the name is not bound. */
export type Activation = (name: string) => Value | undefined;

/** A comprehension variable may hold an error, raised only if the variable is read. */
type Slot = Value | CelEvalError;

export class Evaluator {
  cost = 0;
  private readonly scopes: Array<Map<string, Slot>> = [];

  constructor(
    private readonly funcs: FunctionSet,
    private readonly checked: Checked,
    private readonly activation: Activation,
    private readonly limit: number,
  ) {}

  private charge(n: number): void {
    this.cost += n;
    if (this.cost > this.limit) throw new CostLimitError();
  }

  private lookup(name: string): Value | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const scope = this.scopes[i]!;
      if (scope.has(name)) {
        const v = scope.get(name)!;
        if (v instanceof CelEvalError) throw v;
        return v;
      }
    }
    return this.activation(name);
  }

  eval(n: Node): Value {
    switch (n.k) {
      case 'const': return n.v;
      case 'ident': {
        this.charge(1);
        const v = this.lookup(n.name);
        if (v !== undefined) return v;
        if (typeIdentifiers.includes(n.name)) return new TypeV(n.name);
        throw evalError(`no such attribute: ${n.name}`);
      }
      case 'select': return this.select(n);
      case 'list': {
        const out = n.elems.map(e => this.eval(e));
        this.charge(LIST_CREATE_COST);
        return out;
      }
      case 'map': {
        const m = new Map<MapKey, Value>();
        for (const e of n.entries) {
          const k = toMapKey(this.eval(e.key));
          if (m.has(k)) throw evalError(`Failed with repeated key: ${String(k)}`);
          m.set(k, this.eval(e.value));
        }
        this.charge(MAP_CREATE_COST);
        return new CelMapV(m);
      }
      case 'comp': return this.comprehension(n);
      case 'call': return this.call(n);
    }
  }

  private select(n: Extract<Node, { k: 'select' }>): Value {
    const q = qualifiedName(n);
    if (q && this.checked.types.get(n.operand.id) === undefined) {
      const v = this.activation(q);
      if (v !== undefined) {
        this.charge(1);
        return v;
      }
    }
    const operand = this.eval(n.operand);
    this.charge(1);
    if (n.opt || operand instanceof OptionalV) return optionalSelect(operand, n.field);
    if (!(operand instanceof CelMapV)) {
      throw evalError(operand === null ? `no such key: ${n.field}` : `type '${typeOfValue(operand)}' does not support field selection`);
    }
    if (n.test) return operand.entries.has(n.field);
    return indexMap(operand, n.field);
  }

  private comprehension(n: Extract<Node, { k: 'comp' }>): Value {
    const range = this.eval(n.range);
    let items: Value[];
    if (Array.isArray(range)) items = range;
    else if (range instanceof CelMapV) items = [...range.entries.keys()];
    else throw evalError(`cannot iterate over ${typeOfValue(range)}`);
    const accu = new Map<string, Slot>([[n.accuVar, this.eval(n.init)]]);
    this.scopes.push(accu);
    try {
      for (const item of items) {
        this.scopes.push(new Map([[n.iterVar, item]]));
        try {
          if (this.eval(n.cond) === false) break;
          accu.set(n.accuVar, this.guard(() => this.eval(n.step)));
        } finally {
          this.scopes.pop();
        }
      }
      return this.eval(n.result);
    } finally {
      this.scopes.pop();
    }
  }

  /** Evaluates to a value or a CEL error value; cost-limit aborts still propagate. */
  private guard(f: () => Value): Slot {
    try {
      return f();
    } catch (e) {
      if (e instanceof CelEvalError) return e;
      throw e;
    }
  }

  private logical(n: Extract<Node, { k: 'call' }>, shortCircuit: boolean): Value {
    // CEL's && and || are commutative over errors: a decisive operand wins over an error in the other.
    const left = this.guard(() => this.eval(n.args[0]!));
    if (left === shortCircuit) return left;
    const right = this.guard(() => this.eval(n.args[1]!));
    if (right === shortCircuit) return right;
    if (left instanceof CelEvalError) throw left;
    if (right instanceof CelEvalError) throw right;
    if (typeof left !== 'boolean' || typeof right !== 'boolean') throw evalError('no such overload');
    return !shortCircuit;
  }

  private call(n: Extract<Node, { k: 'call' }>): Value {
    if (n.fn === '_&&_') return this.logical(n, false);
    if (n.fn === '_||_') return this.logical(n, true);
    if (n.fn === '_?_:_') {
      const c = this.eval(n.args[0]!);
      if (typeof c !== 'boolean') throw evalError('no such overload');
      return this.eval(n.args[c ? 1 : 2]!);
    }
    if (n.fn === '@not_strictly_false') {
      const v = this.guard(() => this.eval(n.args[0]!));
      return v !== false;
    }
    const namespaced = this.checked.namespaced.get(n.id);
    const member = !!n.target && !namespaced;
    const args = [...(member ? [this.eval(n.target!)] : []), ...n.args.map(a => this.eval(a))];
    const o = this.funcs.dispatch(namespaced ?? n.fn, member, args);
    if (!o) throw evalError('no such overload');
    this.charge(o.cost ? o.cost(args) : 1);
    return o.impl(args);
  }
}
