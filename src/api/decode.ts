// Decodes a request body into a typed object of the target resource, as upstream's
// JSON serializer + create/update handlers do: apiVersion/kind checks, Go type checking against
// the OpenAPI schema (400 BadRequest on a mismatch), unknown and duplicate fields per
// ?fieldValidation, and the object a Go decode/encode round trip leaves (unknown fields dropped,
// quantities and times canonical).
import { readFileSync } from 'node:fs';
import { errors } from './errors.js';
import type { ResourceInfo } from './resource-info.js';
import { groupVersion } from './resource-info.js';
import { isObject, type KubeObject } from './types.js';
import { JsonSyntaxError, parseJson } from './decode/json-parse.js';
import { SchemaCompiler, type SchemaObject } from './decode/schema.js';
import { DecodeFailure, walkValue } from './decode/walk.js';
import { strictWarnings, yamlStrictErrorOf } from './strict-errors.js';

export type FieldValidation = 'Ignore' | 'Warn' | 'Strict';

export interface DecodeOptions {
  fieldValidation: FieldValidation;
  /**
   * Decoding a patched object (upstream's runtime.DecodeInto in the patch handler): failures throw
   * PatchedDecodeError with the decoder's own text, and strict errors come back in strictErrors
   * for the handler to report with the patch's own.
   */
  patched?: boolean;
  /** The body as sent when `body` is data parsed from another format (YAML), for error summaries. */
  source?: string;
}

export interface DecodeResult {
  obj: KubeObject;
  /** Warning texts for `Warning: 299` headers (fieldValidation=Warn). */
  warnings: string[];
  /** Strict errors of a patched object (DecodeOptions.patched), in the decoder's order. */
  strictErrors?: string[];
}

/** A patched object the decoder refused; the message is the decoder's, without the handler's prefix. */
export class PatchedDecodeError extends Error {}

interface OpenApiDocument {
  definitions: Record<string, SchemaObject>;
}

let compiler: SchemaCompiler | undefined;
let knownKinds: Set<string> | undefined;

function schemas(): SchemaCompiler {
  if (!compiler) {
    const doc = JSON.parse(readFileSync(new URL('../generated/openapi-v2.json', import.meta.url), 'utf8')) as OpenApiDocument;
    compiler = new SchemaCompiler(doc.definitions);
    knownKinds = new Set();
    for (const def of Object.values(doc.definitions)) {
      for (const gvk of def['x-kubernetes-group-version-kind'] ?? []) knownKinds.add(`${gvk.group}/${gvk.version}/${gvk.kind}`);
    }
  }
  return compiler;
}

/** Uses another set of definitions (tests); the default is src/generated/openapi-v2.json. */
export function useDefinitions(definitions: Record<string, SchemaObject>): void {
  compiler = new SchemaCompiler(definitions);
  knownKinds = new Set();
  for (const def of Object.values(definitions)) {
    for (const gvk of def['x-kubernetes-group-version-kind'] ?? []) knownKinds.add(`${gvk.group}/${gvk.version}/${gvk.kind}`);
  }
}

/** upstream's summarizeData: the start of the body, for "unrecognized object" errors. */
function summarize(text: string): string {
  if (text.length === 0) return '<empty>';
  if (text[0] === '{') return text.length > 30 ? `${text.slice(0, 30)} ...` : text;
  const bytes = Buffer.from(text, 'utf8');
  return bytes.length > 30 ? `${bytes.subarray(0, 30).toString('hex')} ...` : bytes.toString('hex');
}

export const FIND_KIND = 'struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }';

/** upstream's transformDecodeError for a body whose kind could not be read: 400 with the body's start. */
export function unrecognizedBody(info: ResourceInfo, why: string, body: string) {
  return errors.badRequest(`the object provided is unrecognized (must be of type ${info.kind}): ${why} (${summarize(body)})`);
}

function unrecognized(info: ResourceInfo, why: string, text: string | (() => string)): never {
  throw unrecognizedBody(info, `couldn't get version/kind; json parse error: ${why}`, typeof text === 'string' ? text : text());
}

function describe(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  return Array.isArray(v) ? 'array' : 'object';
}

/** Reads the body into JSON data; raw bytes also reveal duplicate keys. */
function toData(info: ResourceInfo, body: unknown, source: string | undefined): { data: unknown; text: () => string } {
  if (source !== undefined) return { data: body, text: () => source };
  if (typeof body !== 'string' && !(body instanceof Uint8Array)) return { data: body, text: () => JSON.stringify(body) ?? '' };
  const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
  try {
    return { data: parseJson(text), text: () => text };
  } catch (e) {
    if (e instanceof JsonSyntaxError) unrecognized(info, e.message, text);
    throw e;
  }
}

interface Gvk { group: string; version: string; kind: string }

/** upstream's meta.Interpret + gvkWithDefaults: the group/version/kind the body names. */
function bodyGvk(info: ResourceInfo, data: unknown, text: () => string): Gvk {
  if (data === null) return { group: info.group, version: info.version, kind: info.kind };
  if (!isObject(data)) unrecognized(info, `json: cannot unmarshal ${describe(data)} into Go value of type ${FIND_KIND}`, text);
  for (const f of ['apiVersion', 'kind'] as const) {
    const v = data[f];
    if (v !== undefined && v !== null && typeof v !== 'string') unrecognized(info, `json: cannot unmarshal ${describe(v)} into Go struct field .${f} of type string`, text);
  }
  const apiVersion = typeof data['apiVersion'] === 'string' ? data['apiVersion'] : '';
  const kind = typeof data['kind'] === 'string' && data['kind'] !== '' ? data['kind'] : info.kind;
  const parts = apiVersion.split('/');
  if (parts.length > 2) throw errors.badRequest(`unexpected GroupVersion string: ${apiVersion}`);
  let group = parts.length === 2 ? parts[0] ?? '' : '';
  let version = parts.length === 2 ? parts[1] ?? '' : parts[0] ?? '';
  if (version === '' && group === '') {
    group = info.group;
    version = info.version;
  }
  if (version === '' && group === info.group) version = info.version;
  return { group, version, kind };
}

/** The Go package of the internal version of a group, as conversion errors name it. */
function internalPackage(group: string): string {
  return group === '' ? 'core' : (group.split('.')[0] ?? group);
}

/** A decode failure: 400 naming the kinds for a request body, the bare detail for a patched object. */
function refuse(opts: DecodeOptions, prefix: string, detail: string): never {
  if (opts.patched) throw new PatchedDecodeError(detail);
  throw errors.badRequest(`${prefix}: ${detail}`);
}

function checkGvk(info: ResourceInfo, gvk: Gvk, opts: DecodeOptions): void {
  const gv = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
  const prefix = `${gvk.kind} in version "${gvk.version}" cannot be handled as a ${info.kind}`;
  if (gvk.kind !== info.kind) {
    schemas();
    if (knownKinds?.has(`${gvk.group}/${gvk.version}/${gvk.kind}`)) {
      refuse(opts, prefix, `converting (${gvk.version}.${gvk.kind}) to (${internalPackage(info.group)}.${info.kind}): unknown conversion`);
    }
    refuse(opts, prefix, `no kind "${gvk.kind}" is registered for version "${gv}" in scheme "pkg/api/legacyscheme/scheme.go:30"`);
  }
  if (gvk.group !== info.group || gvk.version !== info.version) {
    throw errors.badRequest(`the API version in the data (${gv}) does not match the expected API version (${groupVersion(info)})`);
  }
}

/**
 * Decodes a create/update body. `body` is parsed JSON data, or the raw JSON text/bytes (which
 * lets duplicate keys be detected). Throws ApiError 400 as upstream does.
 */
export function decodeObject(info: ResourceInfo, body: unknown, opts: DecodeOptions): DecodeResult {
  const { data, text } = toData(info, body, opts.source);
  const gvk = bodyGvk(info, data, text);
  checkGvk(info, gvk, opts);
  if (info.custom) return info.custom.decode(isObject(data) ? data : {}, opts.fieldValidation);
  const prefix = `${gvk.kind} in version "${gvk.version}" cannot be handled as a ${info.kind}`;
  const source = isObject(data) ? data : {};
  const compiled = schemas();
  let value: unknown = source;
  const warnings: string[] = [];
  if (info.definition && compiled.has(info.definition)) {
    let result;
    try {
      result = walkValue(compiled.definition(info.definition), source, opts.fieldValidation !== 'Ignore');
    } catch (e) {
      if (e instanceof DecodeFailure) refuse(opts, prefix, e.message);
      throw e;
    }
    if (result.typeError !== undefined) refuse(opts, prefix, result.typeError);
    const yamlError = yamlStrictErrorOf(source);
    const strictErrors = yamlError === undefined ? result.strictErrors : [yamlError, ...result.strictErrors];
    if (opts.patched) return { obj: finish(info, result.value), warnings, strictErrors };
    if (strictErrors.length > 0) {
      if (opts.fieldValidation === 'Strict') throw errors.badRequest(`${prefix}: strict decoding error: ${strictErrors.join(', ')}`);
      warnings.push(...strictWarnings(strictErrors));
    }
    value = result.value;
  }
  return { obj: finish(info, value), warnings };
}

/** The decoded object with the target's apiVersion and kind. */
function finish(info: ResourceInfo, value: unknown): KubeObject {
  const obj = (isObject(value) ? value : {}) as KubeObject;
  if (!isObject(obj.metadata)) obj.metadata = {};
  obj.apiVersion = groupVersion(info);
  obj.kind = info.kind;
  return obj;
}
