// Writes hack/generate/proto-upstream-1.32.json: the protobuf messages Kubernetes 1.32 added or
// changed relative to the v1.28.7 reference data (from upstream's generated.proto files) and the
// Go facts of every field (from the struct tags in upstream's types.go files). Input: a directory
// holding the staging repositories at their release-1.32 tags (k8s.io/api, apimachinery,
// apiextensions-apiserver and kube-aggregator v0.32.4) as api/, apimachinery/,
// apiextensions-apiserver/ and kube-aggregator/.
//   node dist/hack/generate/proto-extract.js <dir>
// Run it only to refresh that file; `make generate` reads the file, not the checkouts.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { readObject, sortKeys, writeJson, type Json } from './json.js';
import { type GoFieldFacts, type ProtoField, type ProtoMessage, type UpstreamProtoFacts, protoScalars, upstreamProtoFactsFile } from './proto-facts.js';
import { packageOf, protoPackages } from './proto-packages.js';
import { repoRoot } from './repo-root.js';

const fieldLine = /^(optional|repeated)\s+([\w.]+)\s+(\w+)\s*=\s*(\d+)\s*;$/;
const mapLine = /^(map<\s*\w+\s*,\s*[\w.]+\s*>)\s+(\w+)\s*=\s*(\d+)\s*;$/;

/** Parses a generated.proto: its package and messages (k8s' files have no nested messages). */
export function parseProto(text: string, file: string): { pkg: string; messages: Map<string, ProtoMessage> } {
  let pkg = '';
  const messages = new Map<string, ProtoMessage>();
  let current: ProtoField[] | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\/\/.*$/, '').trim();
    if (line === '') continue;
    if (current === undefined) {
      const p = /^package\s+([\w.]+)\s*;$/.exec(line);
      if (p) pkg = p[1]!;
      const m = /^message\s+(\w+)\s*\{\s*(\})?$/.exec(line);
      if (m) {
        const fields: ProtoField[] = [];
        messages.set(`${pkg}.${m[1]}`, { file, fields });
        if (!m[2]) current = fields;
      }
      continue;
    }
    if (line === '}') {
      current = undefined;
      continue;
    }
    const f = fieldLine.exec(line);
    if (f) {
      current.push({ name: f[3]!, number: Number(f[4]), label: f[1] as 'optional' | 'repeated', type: f[2]!.replace(/^\./, '') });
      continue;
    }
    const mp = mapLine.exec(line);
    if (mp) {
      current.push({ name: mp[2]!, number: Number(mp[3]), label: 'optional', type: mp[1]!.replace(/\s+/g, '').replace(',.', ',').replace(',', ', ') });
      continue;
    }
    throw new Error(`${file}: cannot parse "${line}"`);
  }
  if (!pkg) throw new Error(`${file}: no package`);
  return { pkg, messages };
}

interface GoField {
  goType: string;
  /** Undefined without a json tag: the type has hand-written JSON (IntOrString, Unknown). */
  json: string | undefined;
  omitempty: boolean;
  protoNumber: number;
}

/** Struct fields with protobuf tags, by struct name, from a package's hand-written Go files. */
export function parseGoStructs(dir: string): { structs: Map<string, GoField[]>; stringSlices: Set<string> } {
  const structs = new Map<string, GoField[]>();
  const stringSlices = new Set<string>();
  const files = readdirSync(dir).filter(f => f.endsWith('.go') && !f.endsWith('_test.go') && !f.startsWith('zz_generated') && f !== 'generated.pb.go').sort();
  for (const f of files) {
    let current: GoField[] | undefined;
    for (const raw of readFileSync(join(dir, f), 'utf8').split('\n')) {
      if (current === undefined) {
        const s = /^type (\w+) struct \{$/.exec(raw);
        if (s) {
          current = [];
          structs.set(s[1]!, current);
        }
        const slice = /^type (\w+) \[\]string$/.exec(raw);
        if (slice) stringSlices.add(slice[1]!);
        continue;
      }
      if (raw === '}') {
        current = undefined;
        continue;
      }
      const tick = raw.indexOf('`');
      if (tick < 0) continue;
      const tag = raw.slice(tick + 1, raw.lastIndexOf('`'));
      const proto = /protobuf:"([^"]*)"/.exec(tag);
      if (!proto || proto[1] === '-') continue;
      const pre = raw.slice(0, tick).trim().split(/\s+/);
      const goType = pre.length >= 2 ? pre[1]! : pre[0]!;
      const jsonTag = /json:"([^"]*)"/.exec(tag)?.[1];
      const [jsonName, ...opts] = jsonTag === undefined ? [] : jsonTag.split(',');
      const protoNumber = Number(proto[1]!.split(',')[1]);
      if (!Number.isInteger(protoNumber)) throw new Error(`${dir}/${f}: protobuf tag without a field number: ${raw.trim()}`);
      current.push({ goType, json: jsonName, omitempty: opts.includes('omitempty'), protoNumber });
    }
  }
  return { structs, stringSlices };
}

function goFacts(field: ProtoField, go: GoField): GoFieldFacts | undefined {
  if (go.json === undefined) return undefined;
  const facts: GoFieldFacts = {};
  if (go.json === '') facts.inline = true;
  else if (go.json !== field.name) facts.json = go.json;
  if (protoScalars.has(field.type) && field.label === 'optional') {
    if (go.goType.startsWith('*')) facts.presence = 'ptr';
    else if (!go.omitempty) facts.presence = 'keep';
  }
  return Object.keys(facts).length > 0 ? facts : undefined;
}

function main(): void {
  const root = repoRoot(import.meta.url);
  const srcDir = process.argv[2];
  if (!srcDir) throw new Error('usage: proto-extract <dir with api/, apimachinery/, apiextensions-apiserver/, kube-aggregator/>');
  const base = readObject(resolve(root, process.env['UPSTREAM_API_DIR'] ?? '../shared/upstream-api', 'proto-messages.json')) as unknown as Record<string, ProtoMessage>;

  const facts: UpstreamProtoFacts = { source: 'k8s.io/api, apimachinery, apiextensions-apiserver, kube-aggregator v0.32.4 (Kubernetes v1.32.4): generated.proto and types.go', messages: {}, removed: [], go: {}, arrayWrappers: [] };
  const missingGo: string[] = [];
  for (const pkg of protoPackages) {
    const dir = join(srcDir, pkg.dir);
    const protoPath = join(dir, 'generated.proto');
    if (!existsSync(protoPath)) throw new Error(`${protoPath} does not exist`);
    const file = `k8s.io/${pkg.dir}/generated.proto`;
    const parsed = parseProto(readFileSync(protoPath, 'utf8'), file);
    if (parsed.pkg !== pkg.proto) throw new Error(`${protoPath}: package ${parsed.pkg}, expected ${pkg.proto}`);
    const { structs, stringSlices } = parseGoStructs(dir);
    for (const [name, msg] of parsed.messages) {
      const old = base[name];
      if (!old || !isDeepStrictEqual(old.fields, msg.fields)) facts.messages[name] = msg;
      const short = name.slice(name.lastIndexOf('.') + 1);
      if (stringSlices.has(short)) facts.arrayWrappers.push(name);
      const goStruct = structs.get(short);
      if (!goStruct || goStruct.length === 0) {
        if (msg.fields.length > 0 && !stringSlices.has(short)) missingGo.push(name);
        continue;
      }
      const byNumber = new Map(goStruct.map(g => [g.protoNumber, g]));
      const perField: Record<string, GoFieldFacts> = {};
      for (const field of msg.fields) {
        const go = byNumber.get(field.number);
        if (!go) throw new Error(`${name}.${field.name}: no Go field with protobuf number ${field.number}`);
        const f = goFacts(field, go);
        if (f) perField[field.name] = f;
      }
      if (Object.keys(perField).length > 0) facts.go[name] = perField;
    }
    for (const name of Object.keys(base)) {
      if (packageOf(name) === pkg.proto && !parsed.messages.has(name)) facts.removed.push(name);
    }
  }
  facts.removed.sort();
  facts.arrayWrappers.sort();
  const out = join(root, upstreamProtoFactsFile);
  writeJson(out, sortKeys(facts as unknown as Json), 'pretty');
  console.log(`proto-extract: ${Object.keys(facts.messages).length} added or changed messages, ${facts.removed.length} removed, Go facts for ${Object.keys(facts.go).length} messages -> ${out}`);
  if (missingGo.length > 0) console.log(`messages without a Go struct (hand-written codecs): ${missingGo.join(', ')}`);
}

if (process.argv[1] && resolve(process.argv[1]).endsWith('proto-extract.js')) main();
