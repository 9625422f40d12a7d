// Converting custom resources between a CRD's versions (upstream's pkg/apiserver/conversion):
// strategy None rewrites apiVersion; strategy Webhook sends the objects that are not already at
// the desired version to the CRD's conversion webhook in one ConversionReview and keeps only the
// labels and annotations of what it returns on top of the original metadata.
import { randomUUID } from 'node:crypto';
import { endpointOf, postJSON, type ServiceResolver } from '../admission/webhook/call.js';
import { isObject, type KubeObject } from '../api/types.js';
import { validateAnnotations, validateLabels } from '../api/validation/metadata.js';
import type { CustomResourceConversion } from './types.js';

/** Converts objects (each at its own apiVersion) to one apiVersion; the results keep the input order. */
export type Converter = (objects: KubeObject[], apiVersion: string) => Promise<KubeObject[]>;

const WEBHOOK_TIMEOUT_SECONDS = 30;

const relabel = (o: KubeObject, apiVersion: string): KubeObject => (o.apiVersion === apiVersion ? o : { ...o, apiVersion });

export const noneConverter: Converter = async (objects, apiVersion) => objects.map(o => relabel(o, apiVersion));

/** Go's GroupVersionKind String(), as upstream's conversion errors name the input. */
function gvkString(o: KubeObject): string {
  return `${o.apiVersion ?? ''}, Kind=${o.kind ?? ''}`;
}

function reviewVersion(versions: readonly string[]): 'v1' | 'v1beta1' {
  for (const v of versions) if (v === 'v1' || v === 'v1beta1') return v;
  throw new Error('no supported conversion review versions');
}

function convertedObjects(review: unknown, uid: string): unknown[] {
  if (!isObject(review)) throw new Error('no response provided');
  const response = review['response'];
  if (!isObject(response)) throw new Error('no response provided');
  if (response['uid'] !== uid) throw new Error(`expected response.uid=${JSON.stringify(uid)}, got ${JSON.stringify(response['uid'] ?? '')}`);
  const result = isObject(response['result']) ? response['result'] : {};
  if (result['status'] !== 'Success') throw new Error(`response.result.status was '${String(result['status'] ?? '')}', not 'Success'`);
  return Array.isArray(response['convertedObjects']) ? response['convertedObjects'] : [];
}

/** upstream's restoreObjectMeta: the original metadata, with the webhook's labels and annotations. */
function restoreMetadata(original: KubeObject, converted: Record<string, unknown>): KubeObject {
  const meta = converted['metadata'];
  if (meta === undefined) throw new Error('missing metadata in converted object');
  if (!isObject(meta)) throw new Error(`invalid metadata of type ${typeof meta} in converted object`);
  const restored: Record<string, unknown> = structuredClone(original.metadata);
  for (const field of ['labels', 'annotations'] as const) {
    const value = meta[field];
    if (value === undefined || value === null) {
      delete restored[field];
      continue;
    }
    if (!isObject(value)) throw new Error(`invalid metadata.${field} of type ${typeof value} in converted object`);
    for (const [k, v] of Object.entries(value)) {
      if (typeof v !== 'string') throw new Error(`metadata.${field}[${k}] must be a string, but is ${typeof v} in converted object`);
    }
    const causes = field === 'labels' ? validateLabels(value, 'metadata.labels') : validateAnnotations(value, 'metadata.annotation');
    if (causes.length > 0) throw new Error(causes.map(c => `${c.field ?? ''}: ${c.message ?? ''}`).join(', '));
    restored[field] = value;
  }
  return { ...(converted as KubeObject), metadata: restored as KubeObject['metadata'] };
}

function checkConverted(input: KubeObject, out: unknown, index: number, apiVersion: string): KubeObject {
  const prefix = `conversion webhook for ${gvkString(input)} returned invalid converted object at index ${index}`;
  if (!isObject(out)) throw new Error(`${prefix}: invalid type, expected=Unstructured, got=${typeof out}`);
  if (out['apiVersion'] !== apiVersion) throw new Error(`${prefix}: invalid groupVersion (expected ${apiVersion}, received ${String(out['apiVersion'] ?? '')})`);
  if (out['kind'] !== input.kind) throw new Error(`${prefix}: invalid kind (expected ${input.kind ?? ''}, received ${String(out['kind'] ?? '')})`);
  const meta = isObject(out['metadata']) ? out['metadata'] : {};
  const same = (what: string, a: unknown, b: unknown) => {
    if ((a ?? '') !== (b ?? '')) throw new Error(`${prefix}: must have the same ${what}: ${String(a ?? '')} != ${String(b ?? '')}`);
  };
  same('name', input.metadata.name, meta['name']);
  same('namespace', input.metadata.namespace, meta['namespace']);
  same('UID', input.metadata.uid, meta['uid']);
  try {
    return restoreMetadata(input, out);
  } catch (e) {
    throw new Error(`conversion webhook for ${gvkString(input)} returned invalid metadata in object at index ${index}: ${(e as Error).message}`);
  }
}

export function webhookConverter(conversion: CustomResourceConversion, resolveService: ServiceResolver): Converter {
  const versions = conversion.webhook?.conversionReviewVersions ?? [];
  const clientConfig = conversion.webhook?.clientConfig ?? {};
  return async (objects, apiVersion) => {
    const pending = objects.map((o, i) => ({ o, i })).filter(({ o }) => o.apiVersion !== apiVersion);
    if (pending.length === 0) return objects;
    const first = pending[0]!.o;
    const uid = randomUUID();
    const version = reviewVersion(versions);
    let answer: unknown;
    try {
      const ep = await endpointOf(clientConfig, resolveService);
      answer = await postJSON(ep, {
        kind: 'ConversionReview', apiVersion: `apiextensions.k8s.io/${version}`,
        request: { uid, desiredAPIVersion: apiVersion, objects: pending.map(p => p.o) },
      }, WEBHOOK_TIMEOUT_SECONDS);
    } catch (e) {
      throw new Error(`conversion webhook for ${gvkString(first)} failed: ${(e as Error).message}`);
    }
    let converted: unknown[];
    try {
      converted = convertedObjects(answer, uid);
    } catch (e) {
      throw new Error(`conversion webhook for ${gvkString(first)} failed: ${(e as Error).message}`);
    }
    if (converted.length !== pending.length) {
      throw new Error(`conversion webhook for ${gvkString(first)} returned ${converted.length} objects, expected ${pending.length}`);
    }
    const out = [...objects];
    pending.forEach(({ o, i }, n) => { out[i] = checkConverted(o, converted[n], n, apiVersion); });
    return out;
  };
}
