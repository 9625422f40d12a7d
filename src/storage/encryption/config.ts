// --encryption-provider-config: an apiserver.config.k8s.io/v1 EncryptionConfiguration read into
// a transformer per resource, as upstream: an exact `resource.group` entry wins over
// `*.group`, which wins over `*.*`; among equal entries the first listed wins; the first provider
// of an entry writes, all of them read.
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { aescbc, aesgcm, identity, PrefixTransformers, secretbox, type PrefixedTransformer, type Transformer } from './transformers.js';

export interface GroupResource {
  group: string;
  resource: string;
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const KEY_LENGTHS: Record<string, number[]> = { aescbc: [16, 24, 32], aesgcm: [16, 24, 32], secretbox: [32] };
const MAKERS: Record<string, (secret: Buffer) => Transformer> = { aescbc, aesgcm, secretbox };

function providerTransformers(provider: unknown, path: string): PrefixedTransformer[] {
  if (!isObj(provider)) throw new Error(`${path}: Invalid value: a provider must be an object`);
  const kinds = Object.keys(provider);
  if (kinds.length !== 1) {
    throw new Error(`${path}: Invalid value: more than one provider specified in a single element, should split into different list elements`);
  }
  const kind = kinds[0]!;
  if (kind === 'identity') return [{ prefix: '', transformer: identity }];
  if (kind === 'kms') {
    throw new Error(`${path}.kms: Unsupported value: KMS providers need a KMS plugin, which this server does not talk to; use aescbc, aesgcm or secretbox`);
  }
  const make = MAKERS[kind];
  if (!make) throw new Error(`${path}: Unsupported value: ${JSON.stringify(kind)}: supported values: "aescbc", "aesgcm", "secretbox", "identity"`);
  const keys = (provider[kind] as Json | null)?.['keys'];
  if (!Array.isArray(keys) || keys.length === 0) throw new Error(`${path}.${kind}.keys: Required value: at least one key must be provided`);
  return keys.map((k, i) => {
    const where = `${path}.${kind}.keys[${i}]`;
    const name = isObj(k) ? k['name'] : undefined;
    const secretText = isObj(k) ? k['secret'] : undefined;
    if (typeof name !== 'string' || name === '') throw new Error(`${where}.name: Required value: key name is required`);
    if (name.includes(':')) throw new Error(`${where}.name: Invalid value: ${JSON.stringify(name)}: key name must not contain ":"`);
    if (typeof secretText !== 'string' || secretText === '') throw new Error(`${where}.secret: Required value: secret is required`);
    const secret = Buffer.from(secretText, 'base64');
    if (secret.toString('base64').replace(/=+$/, '') !== secretText.replace(/=+$/, '')) {
      throw new Error(`${where}.secret: Invalid value: "REDACTED": secret must be base64 encoded`);
    }
    const lengths = KEY_LENGTHS[kind]!;
    if (!lengths.includes(secret.length)) {
      throw new Error(`${where}.secret: Invalid value: "REDACTED": secret is not of the expected length, got ${secret.length}, expected one of [${lengths.join(' ')}]`);
    }
    return { prefix: `k8s:enc:${kind}:v1:${name}:`, transformer: make(secret) };
  });
}

/** The transformer per resource pattern ('secrets', 'deployments.apps', '*.apps', '*.', '*.*'). */
export class EncryptionConfig {
  private constructor(private readonly byPattern: ReadonlyMap<string, Transformer>) {}

  static parse(text: string): EncryptionConfig {
    const doc: unknown = parse(text);
    if (!isObj(doc) || doc['kind'] !== 'EncryptionConfiguration' || doc['apiVersion'] !== 'apiserver.config.k8s.io/v1') {
      throw new Error('not an apiserver.config.k8s.io/v1 EncryptionConfiguration');
    }
    const resources = doc['resources'];
    if (!Array.isArray(resources) || resources.length === 0) {
      throw new Error('resources: Required value: EncryptionConfiguration.Resources must contain at least one resource');
    }
    const byPattern = new Map<string, Transformer>();
    resources.forEach((entry, i) => {
      const names = isObj(entry) ? entry['resources'] : undefined;
      const providers = isObj(entry) ? entry['providers'] : undefined;
      if (!Array.isArray(names) || names.length === 0) {
        throw new Error(`resources[${i}].resources: Required value: EncryptionConfiguration.Resources[${i}].resources must contain at least one resource`);
      }
      if (!Array.isArray(providers) || providers.length === 0) {
        throw new Error(`resources[${i}].providers: Required value: EncryptionConfiguration.Resources[${i}].providers must contain at least one provider`);
      }
      const transformer = new PrefixTransformers(providers.flatMap((p, j) => providerTransformers(p, `resources[${i}].providers[${j}]`)));
      names.forEach((n, j) => {
        if (typeof n !== 'string' || n === '' || n !== n.toLowerCase()) {
          throw new Error(`resources[${i}].resources[${j}]: Invalid value: ${JSON.stringify(n)}: resource name must be lower case`);
        }
        const pattern = n.includes('.') ? n : `${n}.`;
        if (!byPattern.has(pattern)) byPattern.set(pattern, transformer);
      });
    });
    return new EncryptionConfig(byPattern);
  }

  static async load(file: string): Promise<EncryptionConfig> {
    try {
      return EncryptionConfig.parse(await readFile(file, 'utf8'));
    } catch (e) {
      throw new Error(`error while parsing file ${file}: ${(e as Error).message}`);
    }
  }

  /** The transformer of a resource, or undefined when its values are stored as they are. */
  transformerFor(gr: GroupResource): Transformer | undefined {
    return this.byPattern.get(`${gr.resource}.${gr.group}`) ?? this.byPattern.get(`*.${gr.group}`) ?? this.byPattern.get('*.*');
  }
}

/**
 * Maps an etcd key to its resource: the built-in key prefixes (longest first), else a custom
 * resource's `<prefix>/<group>/<plural>/…`.
 */
export function keyResolver(etcdPrefix: string, builtins: readonly { path: string; gr: GroupResource }[]): (key: string) => GroupResource | undefined {
  const root = etcdPrefix.endsWith('/') ? etcdPrefix : `${etcdPrefix}/`;
  const prefixes = builtins.map(b => ({ prefix: `${root}${b.path}/`, gr: b.gr })).sort((a, z) => z.prefix.length - a.prefix.length);
  return key => {
    if (!key.startsWith(root)) return undefined;
    const found = prefixes.find(p => key.startsWith(p.prefix));
    if (found) return found.gr;
    const [group, resource] = key.slice(root.length).split('/');
    return group?.includes('.') && resource ? { group, resource } : undefined;
  };
}
