// An admission request as webhooks and CEL admission expressions see it: the attributes the
// matchers read and the admission.k8s.io/v1 AdmissionRequest (without object and oldObject,
// which each caller adds or exposes separately).
import type { ResourceInfo } from '../api/resource-info.js';
import type { KubeObject } from '../api/types.js';
import type { UserInfo } from '../authn/user.js';
import { requestUser } from '../authz/request-user.js';
import type { AdmissionOptions } from '../registry/admission.js';
import type { Operation } from './plugin.js';
import type { AdmissionOperation, RequestAttributes } from './webhook/match.js';

const OPERATIONS: Record<Operation, AdmissionOperation> = { create: 'CREATE', update: 'UPDATE', delete: 'DELETE' };
const OPTIONS_KIND: Record<Operation, string> = { create: 'CreateOptions', update: 'UpdateOptions', delete: 'DeleteOptions' };

export function attributesOf(op: Operation, info: ResourceInfo, obj: KubeObject, old: KubeObject | null, opts: AdmissionOptions): RequestAttributes {
  return {
    operation: OPERATIONS[op],
    group: info.group,
    version: info.version,
    resource: info.resource,
    subresource: opts.subresource ?? '',
    namespace: info.namespaced ? obj.metadata.namespace ?? '' : '',
    object: op === 'delete' ? null : obj,
    oldObject: op === 'delete' ? obj : old,
  };
}

/** The user a request runs as; server-internal writes run as the privileged apiserver identity. */
export function admissionUser(): UserInfo {
  return requestUser() ?? { name: 'system:apiserver', groups: ['system:masters'] };
}

const gvkOf = (r: ResourceInfo) => ({ group: r.group, version: r.version, kind: r.kind });
const gvrOf = (r: ResourceInfo) => ({ group: r.group, version: r.version, resource: r.resource });

/** `matched` is the entry a webhook or policy matched the request as (kind, resource); the request's own is requestKind/requestResource. */
export function admissionRequest(uid: string, op: Operation, info: ResourceInfo, a: RequestAttributes, dryRun: boolean, matched = info): Record<string, unknown> {
  const user = admissionUser();
  const name = (a.object ?? a.oldObject)?.metadata.name ?? '';
  return {
    uid, kind: gvkOf(matched), resource: gvrOf(matched), requestKind: gvkOf(info), requestResource: gvrOf(info),
    ...(a.subresource ? { subResource: a.subresource, requestSubResource: a.subresource } : {}),
    ...(name ? { name } : {}),
    ...(a.namespace ? { namespace: a.namespace } : {}),
    operation: a.operation,
    userInfo: { username: user.name, ...(user.uid ? { uid: user.uid } : {}), groups: user.groups, ...(user.extra ? { extra: user.extra } : {}) },
    dryRun,
    options: { kind: OPTIONS_KIND[op], apiVersion: 'meta.k8s.io/v1' },
  };
}
