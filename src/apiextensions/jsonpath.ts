// client-go's util/jsonpath evaluated on plain JSON, as upstream's CRD table convertor and
// selectable fields use it: a path is parsed once and evaluated per object.
import { children, goEqual, goJson, goLess, goSprint, goTypeName, isMap, kindOf } from './go-values.js';
import type { ListNode, Node } from './jsonpath-parse.js';
import { parseTemplate } from './jsonpath-parse.js';

export { JSONPathSyntaxError } from './jsonpath-parse.js';

/**
 * An evaluation error (upstream returns these from FindResults). `partial` is what the failing
 * step returned alongside its error, which an existence filter still counts as found.
 */
export class JSONPathError extends Error {
  constructor(message: string, readonly partial: readonly unknown[] = []) {
    super(message);
  }
}

/** Range/end bookkeeping of one FindResults call. */
interface RangeState {
  beginRange: number;
  inRange: number;
  endRange: number;
  lastEnd?: Node;
}

const fail = (message: string, partial: readonly unknown[] = []): never => {
  throw new JSONPathError(message, partial);
};

/** Runs a nested step; its error leaves this step with `input` as upstream's partial result. */
function nested<T>(input: readonly unknown[], fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof JSONPathError) throw new JSONPathError(e.message, input);
    throw e;
  }
}

export class JSONPath {
  private constructor(private readonly root: ListNode, private readonly allowMissingKeys: boolean) {}

  /**
   * Parses a template such as "{.spec.replicas}" (a CRD's jsonPath wrapped in braces). Throws
   * JSONPathSyntaxError with upstream's message. allowMissingKeys makes a missing field an empty
   * result rather than an error, as the CRD convertor and selectable fields both ask.
   */
  static parse(template: string, opts: { allowMissingKeys?: boolean } = {}): JSONPath {
    return new JSONPath(parseTemplate(template), opts.allowMissingKeys ?? false);
  }

  /** The values each top-level node (action or text) yields, as FindResults returns them. */
  findResults(data: unknown): unknown[][] {
    return this.find(this.root.nodes, data, { beginRange: 0, inRange: 0, endRange: 0 });
  }

  private find(nodes: readonly Node[], data: unknown, st: RangeState): unknown[][] {
    const full: unknown[][] = [];
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i]!;
      const results = this.walk([data], node, st);
      if (st.endRange > 0 && st.endRange <= st.inRange) {
        st.endRange--;
        st.lastEnd = node;
        break;
      }
      if (st.beginRange > 0) {
        st.beginRange--;
        st.inRange++;
        const body = nodes.slice(i + 1);
        if (results.length > 0) for (const v of results) full.push(...this.find(body, v, st));
        // An empty range still walks its body so the matching end is found.
        else this.find(body, null, st);
        st.inRange--;
        for (let k = i + 1; k < nodes.length; k++) {
          if (nodes[k] === st.lastEnd) {
            i = k;
            break;
          }
        }
        continue;
      }
      full.push(results);
    }
    return full;
  }

  private walk(input: unknown[], node: Node, st: RangeState): unknown[] {
    switch (node.kind) {
      case 'list':
        return node.nodes.reduce<unknown[]>((cur, n) => this.walk(cur, n, st), input);
      case 'text':
        return [node.text];
      case 'literal':
        return input.map(() => node.value);
      case 'field':
        return this.field(input, node.name);
      case 'array':
        return array(input, node.params);
      case 'filter':
        return this.filter(input, node, st);
      case 'wildcard':
        return input.flatMap(v => (v === null || v === undefined ? [] : children(v)));
      case 'recursive':
        return recursive(input);
      case 'union':
        return nested(input, () => node.lists.flatMap(l => this.walk(input, l, st)));
      case 'identifier':
        return identifier(input, node.name, st);
    }
  }

  private field(input: unknown[], name: string): unknown[] {
    const out: unknown[] = [];
    for (const v of input) {
      if (isMap(v) && Object.prototype.hasOwnProperty.call(v, name)) out.push(v[name]);
    }
    if (out.length === 0 && input.length > 0 && !this.allowMissingKeys) fail(`${name} is not found`);
    return out;
  }

  private filter(input: unknown[], node: Extract<Node, { kind: 'filter' }>, st: RangeState): unknown[] {
    const out: unknown[] = [];
    for (const v of input) {
      if (!Array.isArray(v)) fail(`${v === undefined ? '<invalid reflect.Value>' : goSprint(v)} is not array or slice and cannot be filtered`, input);
      for (const item of v as unknown[]) {
        if (node.op === 'exists') {
          let lefts: readonly unknown[];
          try {
            lefts = this.walk([item], node.left, st);
          } catch (e) {
            // Upstream ignores the error but keeps what the failing step returned: `@.list[0]`
            // on an empty list "exists".
            if (!(e instanceof JSONPathError)) throw e;
            lefts = e.partial;
          }
          if (lefts.length > 0) out.push(item);
          continue;
        }
        const left = nested(input, () => single(this.walk([item], node.left, st)));
        if (left === NONE) continue;
        const right = nested(input, () => single(this.walk([item], node.right, st)));
        if (right === NONE) continue;
        if (compare(node.op, left, right, out)) out.push(item);
      }
    }
    return out;
  }
}

const NONE = Symbol('none');

function single(values: unknown[]): unknown {
  if (values.length === 0) return NONE;
  if (values.length > 1) fail('can only compare one element at a time');
  return values[0];
}

function compare(op: string, a: unknown, b: unknown, soFar: readonly unknown[]): boolean {
  try {
    switch (op) {
      case '<':
        return goLess(a, b);
      case '>':
        return !(goLess(a, b) || goEqual(a, b));
      case '==':
        return goEqual(a, b);
      case '!=':
        return !goEqual(a, b);
      case '<=':
        return goLess(a, b) || goEqual(a, b);
      case '>=':
        return !goLess(a, b);
    }
  } catch (e) {
    return fail((e as Error).message, soFar);
  }
  return fail(`unrecognized filter operator ${op}`, soFar);
}

function identifier(input: unknown[], name: string, st: RangeState): unknown[] {
  if (name === 'range') {
    st.beginRange++;
    return input;
  }
  if (name === 'end') {
    if (st.inRange === 0) fail('not in range, nothing to end');
    st.endRange++;
    return [];
  }
  return fail(`unrecognized identifier ${name}`, input);
}

function array(input: unknown[], params: Extract<Node, { kind: 'array' }>['params']): unknown[] {
  const out: unknown[] = [];
  for (const v of input) {
    if (v === null || v === undefined) continue;
    if (!Array.isArray(v)) fail(`${goTypeName(v)} is not array or slice`, input);
    const items = v as unknown[];
    const len = items.length;
    let start = params[0].known ? params[0].value : 0;
    if (start < 0) start += len;
    let end = params[1].known ? params[1].value : len;
    if (end < 0 || (end === 0 && params[1].derived)) end += len;
    // Asking for no elements is allowed whatever the bounds.
    if (end === start) return out;
    if (start >= len || start < 0) fail(`array index out of bounds: index ${start}, length ${len}`, input);
    if (end > len || end < 0) fail(`array index out of bounds: index ${end - 1}, length ${len}`, input);
    if (start > end) fail(`starting index ${start} is greater than ending index ${end}`, input);
    let step = 1;
    if (params[2].known) {
      if (params[2].value <= 0) fail('step must be > 0', input);
      step = params[2].value;
    }
    for (let i = start; i < end; i += step) out.push(items[i]);
  }
  return out;
}

/** `..`: every value below the input that itself has children, parents first. */
function recursive(input: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const v of input) {
    if (v === null || v === undefined) continue;
    const kids = children(v);
    if (kids.length === 0) continue;
    out.push(v, ...recursive(kids));
  }
  return out;
}

/**
 * PrintResults of one value the way the CRD convertor calls it (on reflect.ValueOf of the found
 * value): maps and slices as JSON, scalars as fmt.Sprint, nil as "<no value>".
 */
export function printResult(value: unknown): string {
  const kind = kindOf(value);
  if (kind === 'map' || kind === 'slice') return goJson(value);
  return kind === 'nil' ? '<no value>' : goSprint(value);
}
