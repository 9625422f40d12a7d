// Upstream's MutatingAdmissionWebhook and ValidatingAdmissionWebhook plugins: every matching
// webhook of the (Mutating|Validating)WebhookConfigurations gets an admission.k8s.io/v1
// AdmissionReview. Mutating webhooks run one after another (configurations by name) and may
// answer a JSONPatch; validating ones run in parallel and may only refuse. failurePolicy decides
// what an unreachable or broken webhook means; a dry-run request only goes to webhooks without
// side effects. A webhook matched through an equivalent resource (matchPolicy: Equivalent) gets
// the request converted to the version its rule names, and its patch is converted back.
import { randomUUID } from 'node:crypto';
import { ApiError, errors, type StatusReason } from '../../api/errors.js';
import type { ResourceInfo } from '../../api/resource-info.js';
import type { KubeObject, Status } from '../../api/types.js';
import { addWarning } from '../../api/warnings.js';
import { log } from '../../observability/logger.js';
import type { AdmissionOptions } from '../../registry/admission.js';
import { applyJsonPatch } from '../../registry/patch/json-patch.js';
import type { LabelSelectorObject } from '../../registry/selectors/labels.js';
import type { EquivalentResources } from '../equivalent-resources.js';
import type { AdmissionPlugin, Operation } from '../plugin.js';
import { admissionRequest, attributesOf } from '../request.js';
import { attributesAt, convertObject } from '../versioned.js';
import { endpointOf, postJSON, type ClientConfig, type ServiceResolver } from './call.js';
import { webhookMatchConditions, type MatchConditionsSources } from './match-conditions.js';
import { matchingResource, namespaceSelected, objectSelected, type RequestAttributes, type Rule } from './match.js';

interface Webhook {
  name: string;
  clientConfig: ClientConfig;
  rules?: Rule[];
  matchPolicy?: 'Exact' | 'Equivalent';
  failurePolicy?: 'Fail' | 'Ignore';
  namespaceSelector?: LabelSelectorObject;
  objectSelector?: LabelSelectorObject;
  sideEffects?: string;
  timeoutSeconds?: number;
  matchConditions?: Array<{ name: string; expression: string }>;
}

export interface WebhookSources extends MatchConditionsSources {
  /** The current MutatingWebhookConfigurations / ValidatingWebhookConfigurations. */
  configurations(kind: 'mutating' | 'validating'): readonly KubeObject[];
  namespaceLabels(name: string): Promise<Record<string, string> | undefined>;
  resolveService: ServiceResolver;
  equivalents: EquivalentResources;
}

interface AdmissionResponse {
  uid?: string;
  warnings?: string[];
  allowed?: boolean;
  status?: Partial<Status>;
  patch?: string;
  patchType?: string;
}

/** Webhooks never see their own configuration objects, so a broken webhook can always be removed. */
function exempt(info: ResourceInfo): boolean {
  return info.group === 'admissionregistration.k8s.io';
}

function reviewOf(uid: string, op: Operation, info: ResourceInfo, a: RequestAttributes, dryRun: boolean, matched: ResourceInfo): unknown {
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: { ...admissionRequest(uid, op, info, a, dryRun, matched), object: a.object, oldObject: a.oldObject },
  };
}

/** What a called webhook answered, and the entry and attributes (objects at that version) it was called with. */
interface Called {
  response: AdmissionResponse;
  matched: ResourceInfo;
  attributes: RequestAttributes;
}

/** Conversion failures are internal errors, as upstream's VersionedAttribute reports them. */
async function internally<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw errors.internal((e as Error).message);
  }
}

/** Upstream's ToStatusErr: the webhook's Status, at least a 400, its message prefixed. */
function denied(webhook: string, status: Partial<Status> | undefined): ApiError {
  const prefix = `admission webhook ${JSON.stringify(webhook)} denied the request`;
  const message = status?.message ? `${prefix}: ${status.message}` : status?.reason ? `${prefix}: ${status.reason}` : `${prefix} without explanation`;
  const code = (status?.code ?? 0) < 400 ? 400 : status!.code!;
  return new ApiError(code, (status?.reason ?? '') as StatusReason | '', message, status?.details ?? undefined);
}

async function call(h: Webhook, review: unknown, uid: string, sources: WebhookSources): Promise<AdmissionResponse> {
  const ep = await endpointOf(h.clientConfig, sources.resolveService);
  const answer = await postJSON(ep, review, h.timeoutSeconds ?? 10) as { apiVersion?: string; kind?: string; response?: AdmissionResponse };
  if (answer.apiVersion !== 'admission.k8s.io/v1' || answer.kind !== 'AdmissionReview') {
    throw new Error(`expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got ${answer.apiVersion ?? ''}, Kind=${answer.kind ?? ''}`);
  }
  const response = answer.response;
  if (!response) throw new Error('webhook response was absent');
  if (response.uid !== uid) throw new Error(`expected response.uid=${JSON.stringify(uid)}, got ${JSON.stringify(response.uid ?? '')}`);
  // What a webhook warns about reaches the client, as upstream relays it.
  for (const w of response.warnings ?? []) if (typeof w === 'string' && w.trim() !== '') addWarning(w);
  return response;
}

/** Runs one webhook; undefined when it does not apply or failed under failurePolicy Ignore. */
async function run(h: Webhook, op: Operation, info: ResourceInfo, request: RequestAttributes, opts: AdmissionOptions, sources: WebhookSources): Promise<Called | undefined> {
  const equivalents = h.matchPolicy === 'Equivalent' ? () => sources.equivalents.for(info, request.subresource) : undefined;
  const matched = matchingResource(h.rules ?? [], request, info, equivalents);
  if (!matched) return undefined;
  if (!objectSelected(h.objectSelector, request)) return undefined;
  if (!namespaceSelected(h.namespaceSelector, request, request.namespace ? await sources.namespaceLabels(request.namespace) : undefined)) return undefined;
  const a = await internally(() => attributesAt(request, info, matched));
  if (h.matchConditions?.length && !await webhookMatchConditions(h, op, info, a, opts.dryRun, sources, matched)) return undefined;
  const dryRun = opts.dryRun;
  if (dryRun && h.sideEffects !== 'None' && h.sideEffects !== 'NoneOnDryRun') {
    throw errors.badRequest(`admission webhook ${JSON.stringify(h.name)} does not support dry run`);
  }
  const uid = randomUUID();
  try {
    return { response: await call(h, reviewOf(uid, op, info, a, dryRun, matched), uid, sources), matched, attributes: a };
  } catch (e) {
    const message = `failed calling webhook ${JSON.stringify(h.name)}: failed to call webhook: ${(e as Error).message}`;
    if (h.failurePolicy === 'Ignore') {
      log.warn('Failed calling webhook, failing open', { webhook: h.name, err: message });
      return undefined;
    }
    throw errors.internal(message);
  }
}

const webhooksOf = (configs: readonly KubeObject[]) =>
  [...configs].sort((x, y) => (x.metadata.name ?? '').localeCompare(y.metadata.name ?? '')).flatMap(c => ((c['webhooks'] ?? []) as Webhook[]));

export function mutatingWebhooks(sources: WebhookSources): AdmissionPlugin {
  return {
    name: 'MutatingAdmissionWebhook',
    async admit(op, info, obj, old, opts) {
      if (exempt(info)) return;
      for (const h of webhooksOf(sources.configurations('mutating'))) {
        const a = attributesOf(op, info, obj, old, opts);
        const called = await run(h, op, info, a, opts, sources);
        if (!called) continue;
        const { response, matched, attributes } = called;
        if (!response.allowed) throw denied(h.name, response.status);
        if (!response.patch || op === 'delete') continue;
        if (response.patchType !== 'JSONPatch') throw errors.internal(`failed calling webhook ${JSON.stringify(h.name)}: unsupported patch type ${JSON.stringify(response.patchType ?? '')}`);
        const versioned = applyJsonPatch(attributes.object, JSON.parse(Buffer.from(response.patch, 'base64').toString('utf8'))) as KubeObject;
        const patched = await internally(() => convertObject(matched, info, versioned));
        for (const k of Object.keys(obj)) delete (obj as Record<string, unknown>)[k];
        Object.assign(obj, patched);
      }
    },
  };
}

export function validatingWebhooks(sources: WebhookSources): AdmissionPlugin {
  return {
    name: 'ValidatingAdmissionWebhook',
    async validate(op, info, obj, old, opts) {
      if (exempt(info)) return;
      const a = attributesOf(op, info, obj, old, opts);
      const results = await Promise.allSettled(webhooksOf(sources.configurations('validating')).map(async h => {
        const response = (await run(h, op, info, a, opts, sources))?.response;
        if (response && !response.allowed) throw denied(h.name, response.status);
      }));
      const refused = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (refused) throw refused.reason;
    },
  };
}
