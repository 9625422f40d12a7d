// The generated protobuf table (src/generated/proto-schema.json), loaded once and indexed for the
// codec: fields by number for decoding, in wire order for encoding.
import { readFileSync } from 'node:fs';
import type { FieldSpec, ProtoSchema } from './schema-types.js';

export interface MessageSpec {
  name: string;
  /** In field-number order. */
  fields: FieldSpec[];
  byNumber: Map<number, FieldSpec>;
}

interface Index {
  kinds: Map<string, string>;
  messages: Map<string, MessageSpec>;
  arrayWrappers: Set<string>;
}

let index: Index | undefined;

function load(): Index {
  if (index) return index;
  const schema = JSON.parse(readFileSync(new URL('../../generated/proto-schema.json', import.meta.url), 'utf8')) as ProtoSchema;
  const messages = new Map<string, MessageSpec>();
  for (const [name, fields] of Object.entries(schema.messages)) {
    messages.set(name, { name, fields, byNumber: new Map(fields.map(f => [f.no, f])) });
  }
  index = { kinds: new Map(Object.entries(schema.kinds)), messages, arrayWrappers: new Set(schema.arrayWrappers) };
  return index;
}

const gvKey = (group: string, version: string, kind: string) => (group ? `${group}/${version}/${kind}` : `${version}/${kind}`);

/** The message a group/version/kind is encoded as, if it has one. */
export function messageForKind(group: string, version: string, kind: string): string | undefined {
  return load().kinds.get(gvKey(group, version, kind));
}

export function messageSpec(name: string): MessageSpec {
  const spec = load().messages.get(name);
  if (!spec) throw new Error(`protobuf: no message ${name} in the schema`);
  return spec;
}

/** Whether the message is a Go `[]string` type, written in JSON as a plain array. */
export function isArrayWrapper(name: string): boolean {
  return load().arrayWrappers.has(name);
}

/** Every '<group/version>/<kind>' key with a message (tests walk them all). */
export function allKinds(): Array<{ group: string; version: string; kind: string; message: string }> {
  return [...load().kinds].map(([key, message]) => {
    const parts = key.split('/');
    const kind = parts.pop()!;
    const version = parts.pop()!;
    return { group: parts.join('/'), version, kind, message };
  });
}
