// The project's CEL environment: the standard library plus the Kubernetes libraries 1.32 enables,
// compiled (parse, type check, cost estimate) once and evaluated under a runtime cost limit.
// CRD validation rules and ValidatingAdmissionPolicy share it; each declares its own variables.
import { ParseError, parseExpression, walk, type Node } from './ast.js';
import { check, type Checked } from './checker.js';
import { estimateCost } from './cost.js';
import { Evaluator, type Activation } from './eval.js';
import { FunctionSet, type Overload } from './functions.js';
import { datetimeLibrary } from './lib/datetime.js';
import { formatLibrary } from './lib/format.js';
import { listsLibrary } from './lib/lists.js';
import { netLibrary } from './lib/net.js';
import { optionalLibrary } from './lib/optional.js';
import { quantityLibrary } from './lib/quantity.js';
import { regexLibrary } from './lib/regex.js';
import { stringsLibrary } from './lib/strings.js';
import { urlLibrary } from './lib/url.js';
import { standardLibrary } from './stdlib.js';
import { type CelT } from './types.js';
import { CelEvalError, CostLimitError, type Value } from './values.js';

/** k8s.io/apiserver/pkg/apis/cel: the per-expression runtime limit and the per-request budget. */
export const PER_CALL_LIMIT = 1_000_000;
export const RUNTIME_CEL_COST_BUDGET = 10_000_000;

export const kubernetesLibraries: Overload[] = [
  ...standardLibrary, ...listsLibrary, ...regexLibrary, ...urlLibrary, ...quantityLibrary, ...netLibrary,
  ...formatLibrary, ...stringsLibrary, ...optionalLibrary, ...datetimeLibrary,
];

export type EvalResult =
  | { ok: true; value: Value; cost: number }
  /** costExceeded: the limit was crossed (message is cel-go's "operation cancelled" text). */
  | { ok: false; message: string; cost: number; costExceeded: boolean };

export interface Program {
  readonly source: string;
  readonly outputType: CelT;
  /** Worst-case cost of one evaluation, per cel-go's estimator. */
  readonly estimatedCost: number;
  /** Whether the expression reads the named variable. */
  uses(name: string): boolean;
  evaluate(activation: Activation, costLimit?: number): EvalResult;
}

export type CompileResult = { ok: true; program: Program } | { ok: false; issues: string };

/** cel-go's issue text: ERROR: <input>:line:col: message, then the line and a caret. */
function formatIssue(source: string, at: number, message: string): string {
  // The parser records binary operators at the whitespace before them; cel-go points at the operator.
  let offset = at;
  while (offset < source.length - 1 && /[ \t]/.test(source[offset]!)) offset++;
  const before = source.slice(0, offset);
  const line = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const col = offset - lineStart;
  const text = source.split('\n')[line - 1] ?? '';
  return `ERROR: <input>:${line}:${col + 1}: ${message}\n | ${text}\n | ${'.'.repeat(col)}^`;
}

class CompiledProgram implements Program {
  constructor(
    readonly source: string,
    private readonly root: Node,
    private readonly checked: Checked,
    private readonly funcs: FunctionSet,
    readonly estimatedCost: number,
  ) {}

  get outputType(): CelT {
    return this.checked.types.get(this.root.id)!;
  }

  uses(name: string): boolean {
    for (const n of walk(this.root)) if (n.k === 'ident' && n.name === name) return true;
    return false;
  }

  evaluate(activation: Activation, costLimit = PER_CALL_LIMIT): EvalResult {
    const ev = new Evaluator(this.funcs, this.checked, activation, costLimit);
    try {
      return { ok: true, value: ev.eval(this.root), cost: ev.cost };
    } catch (e) {
      if (e instanceof CostLimitError) return { ok: false, message: e.message, cost: ev.cost, costExceeded: true };
      if (e instanceof CelEvalError) return { ok: false, message: e.message, cost: ev.cost, costExceeded: false };
      throw e;
    }
  }
}

export class CelEnvironment {
  private readonly funcs: FunctionSet;

  constructor(overloads: Iterable<Overload> = kubernetesLibraries) {
    this.funcs = new FunctionSet(overloads);
  }

  compile(source: string, variables: ReadonlyMap<string, CelT>): CompileResult {
    let parsed;
    try {
      parsed = parseExpression(source);
    } catch (e) {
      if (e instanceof ParseError) return { ok: false, issues: formatIssue(source, e.offset, e.message) };
      throw e;
    }
    const checked = check(parsed.root, variables, this.funcs);
    if (checked.issues.length) {
      const issues = checked.issues.map(i => formatIssue(source, parsed.offsets.get(i.id) ?? 0, i.message));
      return { ok: false, issues: issues.join('\n') };
    }
    const cost = estimateCost(parsed.root, checked, this.funcs);
    return { ok: true, program: new CompiledProgram(source, parsed.root, checked, this.funcs, cost) };
  }
}

/** The shared environment with every Kubernetes library. */
export const defaultEnvironment = new CelEnvironment();
