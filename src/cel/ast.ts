// The project's view of a parsed CEL expression: @bufbuild/cel parses (and expands macros into
// comprehensions); this converts its protobuf AST into plain nodes the checker, the cost estimator
// and the evaluator walk.
import { parse } from '@bufbuild/cel';
import { OPT_INDEX, OPT_SELECT, rewriteOptionalSyntax } from './optional-syntax.js';
import { Uint, type Value } from './values.js';

type PExpr = ReturnType<typeof parse>['expr'];

export type Node =
  | { k: 'const'; id: number; v: Value }
  | { k: 'ident'; id: number; name: string }
  /** opt: `operand.?field`, an optional of the field (none when absent). */
  | { k: 'select'; id: number; operand: Node; field: string; test: boolean; opt?: boolean }
  | { k: 'call'; id: number; fn: string; target?: Node; args: Node[] }
  | { k: 'list'; id: number; elems: Node[] }
  | { k: 'map'; id: number; entries: Array<{ key: Node; value: Node }> }
  | {
    k: 'comp'; id: number; iterVar: string; range: Node; accuVar: string; init: Node;
    cond: Node; step: Node; result: Node;
  };

export interface Parsed {
  root: Node;
  /** Offset in the source of each node id, for error locations. */
  offsets: Map<number, number>;
}

export class ParseError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}

function convert(e: PExpr): Node {
  const id = Number(e.id);
  const k = e.exprKind;
  switch (k.case) {
    case 'constExpr': {
      const c = k.value.constantKind;
      switch (c.case) {
        case 'boolValue': case 'stringValue': case 'doubleValue': case 'bytesValue': return { k: 'const', id, v: c.value };
        case 'int64Value': return { k: 'const', id, v: c.value };
        case 'uint64Value': return { k: 'const', id, v: new Uint(c.value) };
        case 'nullValue': return { k: 'const', id, v: null };
        default: throw new ParseError(`unsupported constant ${String(c.case)}`, 0);
      }
    }
    case 'identExpr': return { k: 'ident', id, name: k.value.name };
    case 'selectExpr': return { k: 'select', id, operand: convert(k.value.operand!), field: k.value.field, test: k.value.testOnly };
    case 'callExpr': {
      const target = k.value.target && convert(k.value.target);
      const args = k.value.args.map(convert);
      const [field] = args;
      if (k.value.function === OPT_SELECT && target && field?.k === 'const' && typeof field.v === 'string') {
        return { k: 'select', id, operand: target, field: field.v, test: false, opt: true };
      }
      if (k.value.function === OPT_INDEX && target && args.length === 1) return { k: 'call', id, fn: '_[?_]', args: [target, field!] };
      return { k: 'call', id, fn: k.value.function, ...(target ? { target } : {}), args };
    }
    case 'listExpr': return { k: 'list', id, elems: k.value.elements.map(convert) };
    case 'structExpr':
      if (k.value.messageName) throw new ParseError(`unsupported message construction '${k.value.messageName}'`, 0);
      return {
        k: 'map', id,
        entries: k.value.entries.map(en => {
          if (en.keyKind.case !== 'mapKey') throw new ParseError('unsupported struct field', 0);
          return { key: convert(en.keyKind.value), value: convert(en.value!) };
        }),
      };
    case 'comprehensionExpr': {
      const c = k.value;
      return {
        k: 'comp', id, iterVar: c.iterVar, range: convert(c.iterRange!), accuVar: c.accuVar, init: convert(c.accuInit!),
        cond: convert(c.loopCondition!), step: convert(c.loopStep!), result: convert(c.result!),
      };
    }
    default: throw new ParseError('invalid expression', 0);
  }
}

interface PeggyError {
  rawMessage?: string;
  location?: { start: { offset: number } };
}

export function parseExpression(source: string): Parsed {
  let parsed: ReturnType<typeof parse>;
  const rewritten = rewriteOptionalSyntax(source);
  try {
    parsed = parse(rewritten.text);
  } catch (e) {
    const pe = e as PeggyError;
    throw new ParseError(`Syntax error: ${pe.rawMessage ?? (e as Error).message}`, rewritten.original(pe.location?.start.offset ?? 0));
  }
  const offsets = new Map<number, number>();
  for (const [id, off] of Object.entries(parsed.sourceInfo?.positions ?? {})) offsets.set(Number(id), rewritten.original(off));
  return { root: convert(parsed.expr), offsets };
}

/** Every node of the tree, depth first. */
export function* walk(n: Node): Generator<Node> {
  yield n;
  switch (n.k) {
    case 'select': yield* walk(n.operand); break;
    case 'call': if (n.target) yield* walk(n.target); for (const a of n.args) yield* walk(a); break;
    case 'list': for (const e of n.elems) yield* walk(e); break;
    case 'map': for (const e of n.entries) { yield* walk(e.key); yield* walk(e.value); } break;
    case 'comp': for (const c of [n.range, n.init, n.cond, n.step, n.result]) yield* walk(c); break;
    default: break;
  }
}

/** The dotted name a select chain spells (a.b.c), if it is one. */
export function qualifiedName(n: Node): string | undefined {
  if (n.k === 'ident') return n.name;
  if (n.k === 'select' && !n.test) {
    const base = qualifiedName(n.operand);
    return base && `${base}.${n.field}`;
  }
  return undefined;
}
