// The template parser of client-go's util/jsonpath: text with `{...}` actions, each a list of
// nodes. It keeps upstream's quirks (a field may be empty, an identifier is only checked when
// evaluated, a quote preceded by a backslash never ends a string) so the same paths parse.
import { GoFloat } from './go-values.js';

export interface ArrayParam {
  value: number;
  known: boolean;
  derived: boolean;
}

export type Node =
  | { kind: 'list'; nodes: Node[] }
  | { kind: 'text'; text: string }
  | { kind: 'field'; name: string }
  | { kind: 'array'; params: readonly [ArrayParam, ArrayParam, ArrayParam] }
  | { kind: 'filter'; left: ListNode; right: ListNode; op: string }
  | { kind: 'literal'; value: number | GoFloat | boolean }
  | { kind: 'wildcard' }
  | { kind: 'recursive' }
  | { kind: 'union'; lists: ListNode[] }
  | { kind: 'identifier'; name: string };

export type ListNode = Extract<Node, { kind: 'list' }>;

export class JSONPathSyntaxError extends Error {}

const DICT_KEY = /^'([^']*)'$/;
const SLICE = /^(-?\d*)(:-?\d*)?(:-?\d*)?$/;
const COMPARISON = /^([^!<>=]+)([!<>=]+)(.+?)$/;

const isSpace = (c: string) => c === ' ' || c === '\t';
const isEndOfLine = (c: string) => c === '\r' || c === '\n';
const isDigit = (c: string) => /^\p{Nd}$/u.test(c);
const isAlphaNumeric = (c: string) => c === '_' || /^[\p{L}\p{Nd}]$/u.test(c);

function isTerminator(c: string): boolean {
  return c === '' || isSpace(c) || isEndOfLine(c) || '.,[]$@{}'.includes(c);
}

const list = (): ListNode => ({ kind: 'list', nodes: [] });

/** Go's %#U of a rune, as the "unrecognized character" error shows it. */
function goRune(c: string): string {
  const cp = c.codePointAt(0) ?? 0;
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')} '${c}'`;
}

class Parser {
  private input = '';
  private pos = 0;
  private start = 0;
  private width = 0;
  readonly root: ListNode = list();

  parse(text: string): ListNode {
    this.input = text;
    this.parseText(this.root);
    return this.root;
  }

  private consume(): string {
    const v = this.input.slice(this.start, this.pos);
    this.start = this.pos;
    return v;
  }

  /** The next code point, '' at the end. */
  private next(): string {
    if (this.pos >= this.input.length) {
      this.width = 0;
      return '';
    }
    const c = String.fromCodePoint(this.input.codePointAt(this.pos)!);
    this.width = c.length;
    this.pos += c.length;
    return c;
  }

  private peek(): string {
    const c = this.next();
    this.pos -= this.width;
    return c;
  }

  private backup(): void {
    this.pos -= this.width;
  }

  private rest(): string {
    return this.input.slice(this.pos);
  }

  private parseText(cur: ListNode): void {
    for (;;) {
      if (this.rest().startsWith('{')) {
        if (this.pos > this.start) cur.nodes.push({ kind: 'text', text: this.consume() });
        this.pos += 1;
        this.consume();
        const action = list();
        cur.nodes.push(action);
        this.parseInsideAction(action);
        return;
      }
      if (this.next() === '') break;
    }
    if (this.pos > this.start) cur.nodes.push({ kind: 'text', text: this.consume() });
  }

  // Upstream recurses once per token; a loop does the same without growing the stack.
  private parseInsideAction(cur: ListNode): void {
    for (;;) {
      const rest = this.rest();
      if (rest.startsWith('}')) {
        this.pos += 1;
        this.consume();
        this.parseText(this.root);
        return;
      }
      if (rest.startsWith('[?(')) this.parseFilter(cur);
      else if (rest.startsWith('..')) this.parseRecursive(cur);
      else this.parseToken(cur);
    }
  }

  private parseToken(cur: ListNode): void {
    const c = this.next();
    if (c === '' || isEndOfLine(c)) throw new JSONPathSyntaxError('unclosed action');
    if (c === ' ' || c === '@' || c === '$') this.consume();
    else if (c === '[') this.parseArray(cur);
    else if (c === '"' || c === "'") this.parseQuote(cur, c);
    else if (c === '.') this.parseField(cur);
    else if (c === '+' || c === '-' || isDigit(c)) {
      this.backup();
      this.parseNumber(cur);
    } else if (isAlphaNumeric(c)) {
      this.backup();
      this.parseIdentifier(cur);
    } else throw new JSONPathSyntaxError(`unrecognized character in action: ${goRune(c)}`);
  }

  private parseIdentifier(cur: ListNode): void {
    while (!isTerminator(this.next()));
    this.backup();
    const value = this.consume();
    if (value === 'true' || value === 'false') cur.nodes.push({ kind: 'literal', value: value === 'true' });
    else cur.nodes.push({ kind: 'identifier', name: value });
  }

  private parseRecursive(cur: ListNode): void {
    if (cur.nodes.at(-1)?.kind === 'recursive') throw new JSONPathSyntaxError('invalid multiple recursive descent');
    this.pos += 2;
    this.consume();
    cur.nodes.push({ kind: 'recursive' });
    if (isAlphaNumeric(this.peek())) this.parseField(cur);
  }

  private parseNumber(cur: ListNode): void {
    const sign = this.peek();
    if (sign === '+' || sign === '-') this.next();
    for (;;) {
      const c = this.next();
      if (c !== '.' && !isDigit(c)) {
        this.backup();
        break;
      }
    }
    const value = this.consume();
    if (/^[+-]?[0-9]+$/.test(value) && Number.isSafeInteger(Number(value))) {
      cur.nodes.push({ kind: 'literal', value: Number(value) });
    } else if (/^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)$/.test(value)) {
      cur.nodes.push({ kind: 'literal', value: new GoFloat(Number(value)) });
    } else throw new JSONPathSyntaxError(`cannot parse number ${value}`);
  }

  private parseArray(cur: ListNode): void {
    for (;;) {
      const c = this.next();
      if (c === '' || c === '\n') throw new JSONPathSyntaxError('unterminated array');
      if (c === ']') break;
    }
    let text = this.consume().slice(1, -1);
    if (text === '*') text = ':';

    const parts = text.split(',');
    if (parts.length > 1) {
      cur.nodes.push({ kind: 'union', lists: parts.map(p => parseAction(`[${p.replace(/^ +| +$/g, '')}]`)) });
      return;
    }
    const key = DICT_KEY.exec(text);
    if (key) {
      cur.nodes.push(...parseAction(`.${key[1]}`).nodes);
      return;
    }
    const slice = SLICE.exec(text);
    if (!slice) throw new JSONPathSyntaxError(`invalid array index ${text}`);
    cur.nodes.push({ kind: 'array', params: sliceParams(slice.slice(1)) });
  }

  private parseFilter(cur: ListNode): void {
    this.pos += 3;
    this.consume();
    let begin = false;
    let end = false;
    let pair = '';
    for (;;) {
      const c = this.next();
      if (c === '' || c === '\n') throw new JSONPathSyntaxError('unterminated filter');
      if (c === '"' || c === "'") {
        if (!begin) {
          begin = true;
          pair = c;
        } else if (this.input[this.pos - 2] !== '\\' && c === pair) end = true;
      } else if (c === ')' && begin === end) break;
    }
    if (this.next() !== ']') throw new JSONPathSyntaxError('unclosed array expect ]');
    const text = this.consume().slice(0, -2);
    const cmp = COMPARISON.exec(text);
    if (!cmp) cur.nodes.push({ kind: 'filter', left: parseAction(text), right: list(), op: 'exists' });
    else cur.nodes.push({ kind: 'filter', left: parseAction(cmp[1]!), right: parseAction(cmp[3]!), op: cmp[2]! });
  }

  private parseQuote(cur: ListNode, quote: string): void {
    for (;;) {
      const c = this.next();
      if (c === '' || c === '\n') throw new JSONPathSyntaxError('unterminated quoted string');
      if (c === quote && this.input[this.pos - 2] !== '\\') break;
    }
    const value = this.consume();
    cur.nodes.push({ kind: 'text', text: unquote(value) });
  }

  private parseField(cur: ListNode): void {
    this.consume();
    for (;;) {
      const c = this.next();
      if (c === '\\') this.next();
      else if (isTerminator(c)) {
        this.backup();
        break;
      }
    }
    const value = this.consume();
    cur.nodes.push(value === '*' ? { kind: 'wildcard' } : { kind: 'field', name: value.replaceAll('\\', '') });
  }
}

/** The [start:end:step] of an array selection; a bare index i means [i:i+1]. */
function sliceParams(groups: (string | undefined)[]): [ArrayParam, ArrayParam, ArrayParam] {
  const params: ArrayParam[] = [];
  for (let i = 0; i < 3; i++) {
    let v = groups[i] ?? '';
    if (v !== '') {
      if (i > 0) v = v.slice(1);
      if (i > 0 && v === '') params.push({ value: 0, known: false, derived: false });
      else params.push({ value: Number(v), known: true, derived: false });
    } else if (i === 1) params.push({ value: params[0]!.value + 1, known: true, derived: true });
    else params.push({ value: 0, known: false, derived: false });
  }
  return params as [ArrayParam, ArrayParam, ArrayParam];
}

/** A nested expression (a union member, a filter operand): its own `{...}` action's nodes. */
function parseAction(text: string): ListNode {
  const root = new Parser().parse(`{${text}}`);
  const first = root.nodes[0];
  if (first?.kind !== 'list') throw new JSONPathSyntaxError(`invalid action ${text}`);
  return first;
}

const SIMPLE_ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };

/** UnquoteExtend: strconv.Unquote for "..." and '...' strings alike. */
function unquote(s: string): string {
  const fail = () => new JSONPathSyntaxError(`unquote string ${s} error invalid syntax`);
  const quote = s[0]!;
  if (s.length < 2 || s.at(-1) !== quote) throw fail();
  const body = s.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length;) {
    const c = body[i]!;
    if (c === quote) throw fail();
    if (c !== '\\') {
      out += c;
      i++;
      continue;
    }
    const e = body[i + 1] ?? '';
    if (SIMPLE_ESCAPES[e] !== undefined) {
      out += SIMPLE_ESCAPES[e];
      i += 2;
    } else if (e === quote) {
      out += e;
      i += 2;
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = body.slice(i + 2, i + 2 + n);
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex)) throw fail();
      const cp = parseInt(hex, 16);
      if (e === 'x') out += Buffer.from([cp]).toString('latin1');
      else if (cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)) throw fail();
      else out += String.fromCodePoint(cp);
      i += 2 + n;
    } else if (/^[0-7]{3}$/.test(body.slice(i + 1, i + 4)) && parseInt(body.slice(i + 1, i + 4), 8) <= 255) {
      out += String.fromCharCode(parseInt(body.slice(i + 1, i + 4), 8));
      i += 4;
    } else throw fail();
  }
  return out;
}

/** Parses a jsonpath template; throws JSONPathSyntaxError with upstream's message. */
export function parseTemplate(text: string): ListNode {
  return new Parser().parse(text);
}
