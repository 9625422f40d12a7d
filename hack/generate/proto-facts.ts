// Shapes of the protobuf facts the generator reads: upstream's messages (the v1.28.7 reference
// data's proto-messages.json, and the 1.29-1.32 changes) and what upstream's Go structs say about
// each field's JSON form, which generated.proto does not carry.

export interface ProtoField {
  name: string;
  number: number;
  label: 'optional' | 'repeated';
  /** A scalar ('string', 'int32', ...), 'map<K, V>', or a message name (local or fully qualified). */
  type: string;
}

export interface ProtoMessage {
  file: string;
  fields: ProtoField[];
}

/** What a Go struct field's tags and type add to its proto field; absent members are the default. */
export interface GoFieldFacts {
  /** The JSON name, when it differs from the proto name (`$ref` for `ref`). */
  json?: string;
  /** An embedded struct whose fields JSON flattens into the parent (`json:",inline"`). */
  inline?: true;
  /**
   * Scalars only. 'ptr': a Go pointer, so a present zero value is kept; 'keep': a value without
   * omitempty, so JSON always has it. Default: a value with omitempty, so JSON drops a zero.
   */
  presence?: 'ptr' | 'keep';
}

export interface UpstreamProtoFacts {
  /** Where the facts were read. */
  source: string;
  /** Messages 1.32 added or changed relative to the v1.28.7 reference data, in full. */
  messages: Record<string, ProtoMessage>;
  /** Messages of the covered packages that 1.32 no longer has. */
  removed: string[];
  /** Per message, per proto field name, the Go facts that differ from the default. */
  go: Record<string, Record<string, GoFieldFacts>>;
  /** Messages that are Go `[]string` types: JSON writes them as a plain array of their items. */
  arrayWrappers: string[];
}

/** The committed facts file, relative to the repository root. */
export const upstreamProtoFactsFile = 'hack/generate/proto-upstream-1.32.json';

export const protoScalars = new Set(['string', 'bytes', 'bool', 'int32', 'int64', 'uint32', 'uint64', 'sint32', 'sint64', 'fixed32', 'fixed64', 'sfixed32', 'sfixed64', 'double', 'float']);
