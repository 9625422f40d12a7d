// client-go's util/jsonpath evaluated on plain JSON, as upstream's CRD table convertor and
// selectable fields use it: a path is parsed once and evaluated per object.
import { children, goEqual, goJson, goLess, goSprint, goTypeName, isMap, kindOf } from './go-values.js';
import type { ListNode, Node } from './jsonpath-parse.js';
import { parseTemplate } from './jsonpath-parse.js';

export { JSONPathSyntaxError } from './jsonpath-parse.js';

/** An evaluation error (upstream returns these from FindResults). */
export class JSONPathError extends Error {}

/** Range/end bookkeeping of one FindResults call. */
interface RangeState {
  beginRange: number;
  inRange: number;
  endRange: number;
  lastEnd?: Node;
}

const fail = (message: string): never => {
  throw new JSONPathError(message);
};

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
        return node.lists.flatMap(l => this.walk(input, l, st));
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
      if (!Array.isArray(v)) fail(`${v === undefined ? '<invalid reflect.Value>' : goSprint(v)} is not array or slice and cannot be filtered`);
      for (const item of v as unknown[]) {
        if (node.op === 'exists') {
          let lefts: unknown[] = [];
          try {
            lefts = this.walk([item], node.left, st);
          } catch {
            // Upstream ignores the error of an existence test.
          }
          if (lefts.length > 0) out.push(item);
          continue;
        }
        const left = single(this.walk([item], node.left, st));
        if (left === NONE) continue;
        const right = single(this.walk([item], node.right, st));
        if (right === NONE) continue;
        if (compare(node.op, left, right)) out.push(item);
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

function compare(op: string, a: unknown, b: unknown): boolean {
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
    return fail((e as Error).message);
  }
  return fail(`unrecognized filter operator ${op}`);
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
  return fail(`unrecognized identifier ${name}`);
}

function array(input: unknown[], params: Extract<Node, { kind: 'array' }>['params']): unknown[] {
  const out: unknown[] = [];
  for (const v of input) {
    if (v === null || v === undefined) continue;
    if (!Array.isArray(v)) fail(`${goTypeName(v)} is not array or slice`);
    const items = v as unknown[];
    const len = items.length;
    let start = params[0].known ? params[0].value : 0;
    if (start < 0) start += len;
    let end = params[1].known ? params[1].value : len;
    if (end < 0 || (end === 0 && params[1].derived)) end += len;
    // Asking for no elements is allowed whatever the bounds.
    if (end === start) return out;
    if (start >= len || start < 0) fail(`array index out of bounds: index ${start}, length ${len}`);
    if (end > len || end < 0) fail(`array index out of bounds: index ${end - 1}, length ${len}`);
    if (start > end) fail(`starting index ${start} is greater than ending index ${end}`);
    let step = 1;
    if (params[2].known) {
      if (params[2].value <= 0) fail('step must be > 0');
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
