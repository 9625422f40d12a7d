// The `labelSelector=` lexer and recursive-descent parser of upstream's labels/selector.go,
// with its exact error texts.
import type { LabelOperator, LabelRequirement } from './label-requirement.js';
import { fieldErrorText, newRequirement, sortedCopy } from './label-requirement.js';
import { isQualifiedName } from './label-validation.js';

const BINARY_OPERATORS: LabelOperator[] = ['in', 'notin', '=', '==', '!=', 'gt', 'lt'];

// ---- lexer ----

type Token =
  | 'error' | 'end' | 'closePar' | 'comma' | 'doesNotExist' | 'doubleEquals' | 'equals' | 'greaterThan'
  | 'identifier' | 'in' | 'lessThan' | 'notEquals' | 'notIn' | 'openPar';

interface Scanned {
  tok: Token;
  lit: string;
}

const LITERAL_TOKENS: Record<string, Token> = {
  ')': 'closePar', ',': 'comma', '!': 'doesNotExist', '==': 'doubleEquals', '=': 'equals', '>': 'greaterThan',
  in: 'in', '<': 'lessThan', '!=': 'notEquals', notin: 'notIn', '(': 'openPar',
};

function tokenFor(s: string): Token | undefined {
  return Object.prototype.hasOwnProperty.call(LITERAL_TOKENS, s) ? LITERAL_TOKENS[s] : undefined;
}

const isWhitespace = (ch: string) => ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
const isSpecial = (ch: string) => '=!(),><'.includes(ch);

/** Splits the input the way upstream's Lexer does; a NUL ends the input as it does in Go. */
function scan(s: string): Scanned[] {
  let pos = 0;
  const read = (): string => (pos < s.length ? s[pos++]! : '\0');
  const out: Scanned[] = [];
  for (;;) {
    let ch = read();
    while (isWhitespace(ch)) ch = read();
    if (ch === '\0') {
      out.push({ tok: 'end', lit: '' });
      return out;
    }
    pos--;
    if (isSpecial(ch)) {
      let buffer = '';
      let last: Scanned | undefined;
      for (;;) {
        const c = read();
        if (c === '\0') break;
        if (!isSpecial(c)) {
          pos--;
          break;
        }
        buffer += c;
        const t = tokenFor(buffer);
        if (t) {
          last = { tok: t, lit: buffer };
        } else if (last) {
          pos--;
          break;
        }
      }
      out.push(last ?? { tok: 'error', lit: `error expected: keyword found '${buffer}'` });
    } else {
      let buffer = '';
      for (;;) {
        const c = read();
        if (c === '\0') break;
        if (isSpecial(c) || isWhitespace(c)) {
          pos--;
          break;
        }
        buffer += c;
      }
      out.push({ tok: tokenFor(buffer) ?? 'identifier', lit: buffer });
    }
  }
}

// ---- parser (upstream's recursive descent, same error texts) ----

export class ParseError extends Error {}

class Parser {
  private position = 0;

  constructor(private readonly items: Scanned[]) {}

  /** In a values context the keywords 'in' and 'notin' are plain identifiers. */
  private view(item: Scanned, values: boolean): Scanned {
    if (values && (item.tok === 'in' || item.tok === 'notIn')) return { tok: 'identifier', lit: item.lit };
    return item;
  }

  private lookahead(values = true): Scanned {
    return this.view(this.items[this.position]!, values);
  }

  private consume(values = true): Scanned {
    return this.view(this.items[this.position++]!, values);
  }

  parse(): LabelRequirement[] {
    const requirements: LabelRequirement[] = [];
    for (;;) {
      const { tok, lit } = this.lookahead();
      if (tok === 'end') return requirements;
      if (tok !== 'identifier' && tok !== 'doesNotExist') {
        throw new ParseError(`found '${lit}', expected: !, identifier, or 'end of string'`);
      }
      try {
        requirements.push(this.parseRequirement());
      } catch (e) {
        if (e instanceof ParseError) throw new ParseError(`unable to parse requirement: ${e.message}`);
        throw e;
      }
      const next = this.consume();
      if (next.tok === 'end') return requirements;
      if (next.tok !== 'comma') throw new ParseError(`found '${next.lit}', expected: ',' or 'end of string'`);
      const after = this.lookahead();
      if (after.tok !== 'identifier' && after.tok !== 'doesNotExist') {
        throw new ParseError(`found '${after.lit}', expected: identifier after ','`);
      }
    }
  }

  private parseRequirement(): LabelRequirement {
    const { key, operator: inferred } = this.parseKeyAndInferOperator();
    let operator: LabelOperator;
    let values: string[];
    if (inferred) {
      operator = inferred;
      values = [];
    } else {
      operator = this.parseOperator();
      values = operator === 'in' || operator === 'notin' ? this.parseValues() : this.parseExactValue();
    }
    const r = newRequirement(key, operator, sortedCopy([...new Set(values)]));
    if (typeof r === 'string') throw new ParseError(r);
    return r;
  }

  private parseKeyAndInferOperator(): { key: string; operator?: LabelOperator } {
    let operator: LabelOperator | undefined;
    let item = this.consume();
    if (item.tok === 'doesNotExist') {
      operator = '!';
      item = this.consume();
    }
    if (item.tok !== 'identifier') throw new ParseError(`found '${item.lit}', expected: identifier`);
    const keyErrs = isQualifiedName(item.lit);
    if (keyErrs.length) throw new ParseError(fieldErrorText({ path: '<nil>', value: item.lit, detail: keyErrs.join('; ') }));
    const next = this.lookahead().tok;
    if ((next === 'end' || next === 'comma') && operator !== '!') operator = 'exists';
    return operator ? { key: item.lit, operator } : { key: item.lit };
  }

  private parseOperator(): LabelOperator {
    const { tok, lit } = this.consume(false);
    const ops: Partial<Record<Token, LabelOperator>> = {
      in: 'in', equals: '=', doubleEquals: '==', greaterThan: 'gt', lessThan: 'lt', notIn: 'notin', notEquals: '!=',
    };
    const op = ops[tok];
    if (!op) throw new ParseError(`found '${lit}', expected: ${BINARY_OPERATORS.join(', ')}`);
    return op;
  }

  private parseValues(): string[] {
    const open = this.consume();
    if (open.tok !== 'openPar') throw new ParseError(`found '${open.lit}' expected: '('`);
    const { tok, lit } = this.lookahead();
    if (tok === 'closePar') {
      this.consume();
      return [''];
    }
    if (tok !== 'identifier' && tok !== 'comma') throw new ParseError(`found '${lit}', expected: ',', ')' or identifier`);
    const values = this.parseIdentifiersList();
    if (this.consume().tok !== 'closePar') throw new ParseError(`found '${lit}', expected: ')'`);
    return values;
  }

  /** A possibly empty, comma separated list of possibly empty identifiers, up to ')'. */
  private parseIdentifiersList(): string[] {
    const values: string[] = [];
    for (;;) {
      const { tok, lit } = this.consume();
      if (tok === 'identifier') {
        values.push(lit);
        const next = this.lookahead();
        if (next.tok === 'comma') continue;
        if (next.tok === 'closePar') return values;
        throw new ParseError(`found '${next.lit}', expected: ',' or ')'`);
      }
      if (tok !== 'comma') throw new ParseError(`found '${lit}', expected: ',', or identifier`);
      if (values.length === 0) values.push('');
      const next = this.lookahead().tok;
      if (next === 'closePar') {
        values.push('');
        return values;
      }
      if (next === 'comma') {
        this.consume();
        values.push('');
      }
    }
  }

  private parseExactValue(): string[] {
    const next = this.lookahead().tok;
    if (next === 'end' || next === 'comma') return [''];
    const { tok, lit } = this.consume();
    if (tok === 'identifier') return [lit];
    throw new ParseError(`found '${lit}', expected: identifier`);
  }
}

/** Parses a selector string into requirements; throws ParseError with upstream's message. */
export function parseRequirements(s: string): LabelRequirement[] {
  return new Parser(scan(s)).parse();
}
