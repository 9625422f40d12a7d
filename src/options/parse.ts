/**
 * Command-line parsing with pflag's semantics (as cobra runs it for kube-apiserver).
 *
 * Hand-written over the flag table rather than yargs-parser or util.parseArgs: neither knows
 * that a bool flag never takes the next argument while every other flag always does (even a
 * value starting with '-'), that stringSlice values are CSV and accumulate while stringArray
 * values are kept whole, that `-v4`/`-hv 4` combine shorthands, or how to report errors in
 * pflag's words.
 */
import { FLAGS, FLAGS_BY_NAME, FLAGS_BY_SHORTHAND, isValueOptional, type FlagSpec, type FlagType } from './flag-table.js';
import {
  GoParseError,
  goQuote,
  isGoIP,
  parseGoAtoi,
  parseGoBool,
  parseGoFloat,
  parseGoInt,
  parseGoUint,
  parseQuantity,
  readCsvRecord,
} from './go-parse.js';
import { parseGoDurationMs } from './go-duration.js';

/** A command line upstream would refuse; the message is one line naming the flag. */
export class FlagError extends Error {
  override readonly name = 'FlagError';
}

export interface NamedCertKey {
  readonly certFile: string;
  readonly keyFile: string;
  readonly names: readonly string[];
}

export interface PortRange {
  readonly base: number;
  /** Number of ports; 0 for an empty range. */
  readonly size: number;
}

export interface VModuleItem {
  readonly pattern: string;
  readonly level: number;
}

type StringMap = Readonly<Record<string, string>>;
type Multimap = Readonly<Record<string, readonly string[]>>;
type Value = boolean | number | string | readonly string[] | StringMap | Multimap | readonly NamedCertKey[] | PortRange | readonly VModuleItem[];

const CSV_EMPTY: readonly string[] = [];

function splitCsv(v: string): readonly string[] {
  return v === '' ? CSV_EMPTY : readCsvRecord(v);
}

/** pflag's stringToString Set. */
function parseStringToString(v: string): Record<string, string> {
  const eq = v.split('=').length - 1;
  const pairs = eq === 0 ? null : eq === 1 ? [v.replace(/^"+|"+$/g, '')] : readCsvRecord(v);
  if (pairs === null) throw new GoParseError(`${v} must be formatted as key=value`);
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const i = pair.indexOf('=');
    if (i < 0) throw new GoParseError(`${pair} must be formatted as key=value`);
    out[pair.slice(0, i)] = pair.slice(i + 1);
  }
  return out;
}

/** component-base cliflag.MapStringString Set. */
function parseMapStringString(v: string, noSplit: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  const pairs = noSplit ? [v] : v.split(',').map(s => s.trim()).filter(s => s !== '');
  for (const pair of pairs) {
    const i = pair.indexOf('=');
    if (i < 0) throw new GoParseError('malformed pair, expect string=string');
    out[pair.slice(0, i).trim()] = pair.slice(i + 1).trim();
  }
  return out;
}

/** component-base ColonSeparatedMultimapStringString Set (empty component allowed). */
function parseColonMultimap(v: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const pair of v.split(',')) {
    if (pair === '') continue;
    const i = pair.indexOf(':');
    const k = i < 0 ? '' : pair.slice(0, i).trim();
    const val = (i < 0 ? pair : pair.slice(i + 1)).trim();
    (out[k] ??= []).push(val);
  }
  return out;
}

/** featuregate Set: Gate=bool pairs; checked at parse time so a typo fails fast. */
function checkFeatureGatePairs(values: readonly string[]): void {
  for (const s of values.join(',').split(',')) {
    if (s === '') continue;
    const i = s.indexOf('=');
    const k = (i < 0 ? s : s.slice(0, i)).trim();
    if (i < 0) throw new GoParseError(`missing bool value for ${k}`);
    const v = s.slice(i + 1).trim();
    try {
      parseGoBool(v);
    } catch (e) {
      throw new GoParseError(`invalid value of ${k}=${v}, err: ${(e as Error).message}`);
    }
  }
}

/** cliflag.NamedCertKey Set. */
function parseNamedCertKey(value: string): NamedCertKey {
  const colon = value.indexOf(':');
  let names: string[] = [];
  let keycert = value.trim();
  if (colon >= 0) {
    keycert = value.slice(0, colon).trim();
    const list = value.slice(colon + 1).trim();
    if (list === '') throw new GoParseError('empty names list is not allowed');
    names = list.split(',').map(n => n.trim());
  }
  const files = keycert.split(',');
  if (files.length !== 2) throw new GoParseError('expected comma separated certificate and key file paths');
  return { certFile: files[0].trim(), keyFile: files[1].trim(), names };
}

/** apimachinery utilnet.PortRange Set. */
function parsePortRange(raw: string): PortRange {
  const value = raw.trim();
  if (value === '') return { base: 0, size: 0 };
  const hyphen = value.indexOf('-');
  const plus = value.indexOf('+');
  let low: number;
  let high: number;
  if (hyphen < 0 && plus < 0) {
    low = high = parseGoAtoi(value);
  } else if (hyphen >= 0 && plus < 0) {
    low = parseGoAtoi(value.slice(0, hyphen));
    high = parseGoAtoi(value.slice(hyphen + 1));
  } else if (plus >= 0 && hyphen < 0) {
    low = parseGoAtoi(value.slice(0, plus));
    high = low + parseGoAtoi(value.slice(plus + 1));
  } else {
    throw new GoParseError(`unable to parse port range: ${value}`);
  }
  if (low > 65535 || high > 65535) throw new GoParseError(`the port range cannot be greater than 65535: ${value}`);
  if (high < low) throw new GoParseError(`end port cannot be less than start port: ${value}`);
  return { base: low, size: 1 + high - low };
}

/** logsapi vmodule Set. */
function parseVModule(value: string): VModuleItem[] {
  const out: VModuleItem[] = [];
  for (const pat of value.split(',')) {
    if (pat === '') continue;
    const parts = pat.split('=');
    if (parts.length !== 2 || parts[0] === '' || parts[1] === '') throw new GoParseError(`${goQuote(pat)} does not have the pattern=N format`);
    try {
      out.push({ pattern: parts[0], level: parseGoUint(parts[1], 10, 31) });
    } catch (e) {
      throw new GoParseError(`parsing verbosity in ${goQuote(pat)}: ${(e as Error).message}`);
    }
  }
  return out;
}

/** verflag versionValue Set: true/false/raw, or vX.Y.Z to override the reported version. */
function parseVersionValue(value: string): string {
  if (value === 'raw') return value;
  if (value.startsWith('v')) {
    if (!/^v[0-9]+\.[0-9]+\.[0-9]+([-+].*)?$/.test(value)) throw new GoParseError(`could not parse ${goQuote(value.slice(1))} as version`);
    return value;
  }
  return String(parseGoBool(value));
}

/** The flag's new value after one occurrence; `changed` says whether an earlier occurrence was seen. */
function applyValue(spec: FlagSpec, raw: string, current: Value, changed: boolean): Value {
  const accumulate = <T>(next: readonly T[]): readonly T[] => (changed ? [...(current as readonly T[]), ...next] : next);
  const merge = (next: Record<string, string>): StringMap => (changed ? { ...(current as StringMap), ...next } : next);
  const t: FlagType = spec.type;
  switch (t) {
    case 'bool':
      return parseGoBool(raw);
    case 'int':
      return parseGoInt(raw, 64);
    case 'uint':
      return parseGoUint(raw, 0, 64);
    case 'float':
      return parseGoFloat(raw, 64);
    case 'float32':
      return parseGoFloat(raw, 32);
    case 'level':
      return parseGoUint(raw, 10, 31);
    case 'string':
      return raw;
    case 'duration':
      return parseGoDurationMs(raw);
    case 'quantity':
      return parseQuantity(raw);
    case 'version':
      return parseVersionValue(raw);
    case 'ip':
      if (raw !== '' && !isGoIP(raw.trim())) throw new GoParseError(`failed to parse IP: ${goQuote(raw)}`);
      return raw.trim();
    case 'portRange':
      return parsePortRange(raw);
    case 'strings':
      return accumulate(splitCsv(raw));
    case 'stringArray':
      return accumulate([raw]);
    case 'namedCertKey':
      return accumulate([parseNamedCertKey(raw)]);
    case 'vmodule':
      return accumulate(parseVModule(raw));
    case 'mapStringString':
      return merge(parseMapStringString(raw, spec.noSplit === true));
    case 'stringToString':
      return merge(parseStringToString(raw));
    case 'colonSeparatedMultimapStringString': {
      const next = parseColonMultimap(raw);
      const prev = changed ? (current as Multimap) : {};
      const out: Record<string, readonly string[]> = { ...prev };
      for (const [k, vs] of Object.entries(next)) out[k] = [...(out[k] ?? []), ...vs];
      if (spec.name === 'feature-gates') checkFeatureGatePairs(Object.values(out).flat());
      return out;
    }
  }
}

function zeroValue(spec: FlagSpec): Value {
  switch (spec.type) {
    case 'bool':
      return false;
    case 'int':
    case 'uint':
    case 'float':
    case 'float32':
    case 'level':
    case 'duration':
    case 'quantity':
      return 0;
    case 'string':
    case 'ip':
      return '';
    case 'version':
      return 'false';
    case 'portRange':
      return { base: 0, size: 0 };
    case 'strings':
    case 'stringArray':
    case 'namedCertKey':
    case 'vmodule':
      return [];
    case 'mapStringString':
    case 'stringToString':
    case 'colonSeparatedMultimapStringString':
      return {};
  }
}

const DEFAULTS: ReadonlyMap<string, Value> = new Map(
  FLAGS.map(f => [f.name, f.default === undefined ? zeroValue(f) : applyValue(f, f.default, zeroValue(f), false)]),
);

/** The outcome of parsing: every flag's effective value, and which ones the user set. */
export class ParsedFlags {
  readonly #values = new Map<string, Value>(DEFAULTS);
  readonly #set = new Set<string>();
  readonly #deprecations: string[] = [];

  /** Applies one occurrence of a flag (pflag's FlagSet.Set). */
  set(spec: FlagSpec, raw: string, display: string): void {
    try {
      this.#values.set(spec.name, applyValue(spec, raw, this.#values.get(spec.name) as Value, this.#set.has(spec.name)));
    } catch (e) {
      if (!(e instanceof GoParseError)) throw e;
      throw new FlagError(`invalid argument ${goQuote(raw)} for ${goQuote(display)} flag: ${e.message}`);
    }
    if (spec.deprecated !== undefined && !this.#set.has(spec.name)) {
      this.#deprecations.push(`Flag --${spec.name} has been deprecated, ${spec.deprecated}`);
    }
    this.#set.add(spec.name);
  }

  /** Whether the flag appeared on the command line. */
  isSet(name: string): boolean {
    return this.#set.has(this.#spec(name).name);
  }

  /** Names of the flags that appeared on the command line, in first-seen order. */
  setNames(): string[] {
    return [...this.#set];
  }

  /** pflag's "Flag --x has been deprecated, ..." line for each deprecated flag used. */
  get deprecationWarnings(): readonly string[] {
    return this.#deprecations;
  }

  bool(name: string): boolean {
    return this.#get(name, ['bool']) as boolean;
  }

  /** int, uint, float, float32, Level and quantity flags. */
  number(name: string): number {
    return this.#get(name, ['int', 'uint', 'float', 'float32', 'level', 'quantity']) as number;
  }

  durationMs(name: string): number {
    return this.#get(name, ['duration']) as number;
  }

  /** string, ip ('' when unset) and version flags. */
  string(name: string): string {
    return this.#get(name, ['string', 'ip', 'version']) as string;
  }

  strings(name: string): readonly string[] {
    return this.#get(name, ['strings', 'stringArray']) as readonly string[];
  }

  stringMap(name: string): StringMap {
    return this.#get(name, ['mapStringString', 'stringToString']) as StringMap;
  }

  multimap(name: string): Multimap {
    return this.#get(name, ['colonSeparatedMultimapStringString']) as Multimap;
  }

  namedCertKeys(name: string): readonly NamedCertKey[] {
    return this.#get(name, ['namedCertKey']) as readonly NamedCertKey[];
  }

  portRange(name: string): PortRange {
    return this.#get(name, ['portRange']) as PortRange;
  }

  vmodule(name: string): readonly VModuleItem[] {
    return this.#get(name, ['vmodule']) as readonly VModuleItem[];
  }

  #spec(name: string): FlagSpec {
    const spec = FLAGS_BY_NAME.get(name);
    if (!spec) throw new Error(`no flag named --${name} in the flag table`);
    return spec;
  }

  #get(name: string, types: readonly FlagType[]): Value {
    const spec = this.#spec(name);
    if (!types.includes(spec.type)) throw new Error(`--${name} is a ${spec.type} flag, not ${types.join('/')}`);
    return this.#values.get(name) as Value;
  }
}

/** cliflag.WordSepNormalizeFunc, which cobra applies to kube-apiserver: '_' means '-'. */
const normalize = (name: string): string => name.replace(/_/g, '-');

const longDisplay = (spec: FlagSpec): string => (spec.shorthand ? `-${spec.shorthand}, --${spec.name}` : `--${spec.name}`);

/**
 * Parses kube-apiserver's arguments (without the program name). Throws FlagError on the first
 * problem, as pflag stops at the first one.
 */
export function parseFlags(argv: readonly string[]): ParsedFlags {
  const parsed = new ParsedFlags();
  const positional: string[] = [];
  let i = 0;
  while (i < argv.length) {
    const arg = argv[i++];
    if (arg === '--') {
      positional.push(...argv.slice(i));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      continue;
    }
    if (arg.startsWith('--')) {
      const body = arg.slice(2);
      if (body === '' || body.startsWith('-') || body.startsWith('=')) throw new FlagError(`bad flag syntax: ${arg}`);
      const eq = body.indexOf('=');
      const name = eq < 0 ? body : body.slice(0, eq);
      const spec = FLAGS_BY_NAME.get(normalize(name));
      if (!spec) throw new FlagError(`unknown flag: --${name}`);
      let value: string;
      if (eq >= 0) value = body.slice(eq + 1);
      else if (isValueOptional(spec)) value = 'true';
      else if (i < argv.length) value = argv[i++];
      else throw new FlagError(`flag needs an argument: ${arg}`);
      parsed.set(spec, value, longDisplay(spec));
      continue;
    }
    // One or more shorthands: -h, -v 4, -v=4, -v4, -hv4.
    let rest = arg.slice(1);
    while (rest !== '') {
      const c = rest[0];
      const spec = FLAGS_BY_SHORTHAND.get(c);
      if (!spec) throw new FlagError(`unknown shorthand flag: '${c}' in -${rest}`);
      let value: string;
      if (rest.length > 2 && rest[1] === '=') {
        value = rest.slice(2);
        rest = '';
      } else if (isValueOptional(spec)) {
        value = 'true';
        rest = rest.slice(1);
      } else if (rest.length > 1) {
        value = rest.slice(1);
        rest = '';
      } else if (i < argv.length) {
        value = argv[i++];
        rest = '';
      } else {
        throw new FlagError(`flag needs an argument: '${c}' in -${rest}`);
      }
      parsed.set(spec, value, longDisplay(spec));
    }
  }
  if (positional.some(a => a !== '')) {
    // kube-apiserver's cobra Args check, which runs after flags are parsed.
    throw new FlagError(`"kube-apiserver" does not take any arguments, got [${positional.map(goQuote).join(' ')}]`);
  }
  return parsed;
}
