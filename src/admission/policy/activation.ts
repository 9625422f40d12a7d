// Running compiled admission expressions over one request (upstream's evaluationActivation and
// condition.ForInput): the variables an expression reads, `variables` evaluated lazily and once,
// the per-request cost budget shared by a list of expressions, and upstream's error texts.
import type { Program } from '../../cel/env.js';
import { AuthzPending, type AuthorizerV, type ResourceCheckV } from '../../cel/lib/authz.js';
import { CelEvalError, CelMapV, evalError, fromJson, type MapKey, type Value } from '../../cel/values.js';
import type { CompiledExpr } from './compiled-policy.js';

export interface Inputs {
  object: unknown;
  oldObject: unknown;
  params?: unknown;
  request: unknown;
  namespaceObject?: unknown;
  authorizer?: AuthorizerV;
  requestResource?: ResourceCheckV;
}

export type Outcome = { ok: true; value: Value } | { ok: false; error: string };

export const OUT_OF_BUDGET = 'validation failed due to running out of cost budget, no further validation rules will be run';

/** Thrown when a list of expressions exhausts the request's budget: no further expression runs. */
export class OutOfBudget extends Error {
  constructor() {
    super(OUT_OF_BUDGET);
  }
}

interface CachedVariable {
  value: Value | CelEvalError;
  cost: number;
  charged: boolean;
}

/** `variables`: a map whose entries are computed on first read. */
class LazyVariables extends Map<MapKey, Value> {
  constructor(private readonly names: readonly string[], private readonly compute: (name: string) => Value) {
    super();
  }
  override has(k: MapKey): boolean {
    return typeof k === 'string' && this.names.includes(k);
  }
  override get(k: MapKey): Value | undefined {
    return this.has(k) ? this.compute(k as string) : undefined;
  }
  override get size(): number {
    return this.names.length;
  }
  override *keys(): MapIterator<MapKey> {
    yield* this.names;
  }
}

export class PolicyActivation {
  private readonly values = new Map<string, Value>();
  private readonly cache = new Map<string, CachedVariable>();
  private readonly byName: Map<string, CompiledExpr>;
  /** Cost of variables first read by the expression now running. */
  private compositionCost = 0;
  private chargedNow: CachedVariable[] = [];

  constructor(inputs: Inputs, variables: ReadonlyArray<{ name: string; expr: CompiledExpr }> = []) {
    this.byName = new Map(variables.map(v => [v.name, v.expr]));
    this.values.set('object', fromJson(inputs.object));
    this.values.set('oldObject', fromJson(inputs.oldObject));
    this.values.set('params', fromJson(inputs.params));
    this.values.set('request', fromJson(inputs.request));
    this.values.set('namespaceObject', fromJson(inputs.namespaceObject));
    if (inputs.authorizer) this.values.set('authorizer', inputs.authorizer);
    if (inputs.requestResource) this.values.set('authorizer.requestResource', inputs.requestResource);
    this.values.set('variables', new CelMapV(new LazyVariables([...this.byName.keys()], n => this.variable(n))));
  }

  readonly resolve = (name: string): Value | undefined => this.values.get(name);

  private variable(name: string): Value {
    let c = this.cache.get(name);
    if (!c) {
      const expr = this.byName.get(name)!;
      if (!expr.compiled.ok) throw evalError(`composited variable ${JSON.stringify(name)} fails to compile: ${expr.compiled.detail}`);
      const r = expr.compiled.program.evaluate(this.resolve);
      c = {
        value: r.ok ? r.value : evalError(`composited variable ${JSON.stringify(name)} fails to evaluate: ${r.message}`),
        cost: r.cost, charged: false,
      };
      this.cache.set(name, c);
    }
    if (!c.charged) {
      c.charged = true;
      this.compositionCost += c.cost;
      this.chargedNow.push(c);
    }
    if (c.value instanceof CelEvalError) throw c.value;
    return c.value;
  }

  /**
   * Evaluates one expression against `remaining` budget; returns its outcome and what is left.
   * An AuthzPending escaping here leaves no cost behind, so the rerun charges the same.
   */
  evaluate(expr: CompiledExpr, remaining: number): { outcome: Outcome; remaining: number } {
    if (!expr.compiled.ok) return { outcome: { ok: false, error: `compilation error: ${expr.compiled.detail}` }, remaining };
    this.compositionCost = 0;
    this.chargedNow = [];
    let r: ReturnType<Program['evaluate']>;
    try {
      r = expr.compiled.program.evaluate(this.resolve);
    } catch (e) {
      if (e instanceof AuthzPending) for (const c of this.chargedNow) c.charged = false;
      throw e;
    }
    if (this.compositionCost > remaining) throw new OutOfBudget();
    remaining -= this.compositionCost;
    if (r.cost > remaining) throw new OutOfBudget();
    remaining -= r.cost;
    if (!r.ok) return { outcome: { ok: false, error: `expression '${expr.source}' resulted in error: ${r.message}` }, remaining };
    return { outcome: { ok: true, value: r.value }, remaining };
  }
}
