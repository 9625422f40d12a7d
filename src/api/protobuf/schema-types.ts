// The shape of src/generated/proto-schema.json (written by hack/generate/proto.ts).

export type ProtoScalar =
  | 'string' | 'bytes' | 'bool' | 'int32' | 'int64' | 'uint32' | 'uint64' | 'sint32' | 'sint64'
  | 'fixed32' | 'fixed64' | 'sfixed32' | 'sfixed64' | 'double' | 'float';

export interface FieldSpec {
  /** The JSON name (for an inline field, the proto name; JSON flattens its fields into the parent). */
  name: string;
  /** The proto field number. */
  no: number;
  /** A scalar, or the fully qualified message name; for a map, the value's type. */
  type: string;
  /** For a map, the key's scalar type. */
  key?: string;
  repeated?: true;
  inline?: true;
  /**
   * Scalars only. 'ptr': a Go pointer, a present zero value stays in JSON; 'keep': Go always
   * writes the field to JSON. Absent: Go's omitempty drops a zero value from JSON.
   */
  presence?: 'ptr' | 'keep';
}

export interface ProtoSchema {
  /** '<group>/<version>/<kind>' ('v1/<kind>' for core) -> message name. */
  kinds: Record<string, string>;
  /** Message name -> fields in field-number order. */
  messages: Record<string, FieldSpec[]>;
  /** Messages that are Go `[]string` types, written in JSON as an array of their `items`. */
  arrayWrappers: string[];
}
