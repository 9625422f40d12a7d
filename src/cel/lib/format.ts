// Kubernetes' format library (library/format.go): format.named(name) and format.<name>() give a
// format whose validate(str) returns optional.none() when valid, else the list of problems.
import {
  isQualifiedName, isValidLabelValue, nameIsDNS1035Label, nameIsDNSLabel, nameIsDNSSubdomain,
} from '../../api/validation/names.js';
import { fn, method, REGEX_FACTOR, TRAVERSAL, type Overload } from '../functions.js';
import { FORMAT_T, T, optionalOf } from '../types.js';
import { OpaqueV, OptionalV, type Value } from '../values.js';
import { parseRequestURI } from './url.js';

export class FormatV extends OpaqueV {
  readonly typeName = 'kubernetes.NamedFormat';
  constructor(readonly name: string, readonly validate: (s: string) => string[], readonly maxRegexSize: number) {
    super();
  }
  equals(other: OpaqueV): boolean {
    return other instanceof FormatV && other.name === this.name;
  }
}

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

const validDate = (s: string) => {
  const m = DATE.exec(s);
  if (!m) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.getUTCDate() === Number(m[3]);
};

const check = (ok: boolean, msg: string) => (ok ? [] : [msg]);

const formats: Array<[string, (s: string) => string[], number]> = [
  ['dns1123Label', s => nameIsDNSLabel(s, false), 30],
  ['dns1123Subdomain', s => nameIsDNSSubdomain(s, false), 60],
  ['dns1035Label', s => nameIsDNS1035Label(s, false), 30],
  ['qualifiedName', isQualifiedName, 60],
  ['dns1123LabelPrefix', s => nameIsDNSLabel(s, true), 30],
  ['dns1123SubdomainPrefix', s => nameIsDNSSubdomain(s, true), 60],
  ['dns1035LabelPrefix', s => nameIsDNS1035Label(s, true), 30],
  ['labelValue', isValidLabelValue, 40],
  ['uri', s => {
    const p = parseRequestURI(s);
    return typeof p === 'string' ? [`parse "${s}": ${p}`] : [];
  }, 200],
  ['uuid', s => check(UUID.test(s), 'does not match the UUID format'), 90],
  ['byte', s => check(BASE64.test(s), 'invalid base64'), 100],
  ['date', s => check(validDate(s), 'invalid date'), 120],
  ['datetime', s => check(DATETIME.test(s) && !Number.isNaN(Date.parse(s.replace(' ', 'T'))), 'invalid datetime'), 120],
];

const byName = new Map(formats.map(([name, v, size]) => [name, new FormatV(name, v, size)]));

export const formatLibrary: Overload[] = [
  fn('format.named', [T.string], optionalOf(FORMAT_T), a => new OptionalV(byName.get(a[0] as string))),
  ...[...byName].map(([name, f]) => fn(`format.${name}`, [], FORMAT_T, () => f)),
  method('validate', [FORMAT_T, T.string], optionalOf(T.list(T.string)), a => {
    const errs = (a[0] as FormatV).validate(a[1] as string);
    return new OptionalV(errs.length ? errs : undefined);
  }, {
    cost: (a: Value[]) => Math.ceil((1 + (a[1] as string).length) * TRAVERSAL) * Math.ceil((a[0] as FormatV).maxRegexSize * REGEX_FACTOR),
    estimate: z => Math.ceil((1 + (z[1] ?? 0)) * TRAVERSAL) * Math.ceil(200 * REGEX_FACTOR),
  }),
];
