// POST /api/v1/namespaces/{ns}/serviceaccounts/{name}/token: issues a bound service-account
// token (TokenRequest), as upstream's serviceaccount TokenREST.
import { cause, errors } from '../../api/errors.js';
import { isObject, type KubeObject } from '../../api/types.js';
import type { ObjectGetter } from '../../authn/object-getter.js';
import { nodeIdentity } from '../../authz/node.js';
import type { BoundTokenRequest, ObjectRefClaim, ServiceAccountTokenIssuer } from '../../authn/service-account-issuer.js';
import { negotiate } from '../negotiate.js';
import { writeObject } from '../respond.js';
import { readKindBody, type VirtualContext, type VirtualHandler } from './virtual.js';

export interface TokenRequestDeps {
  issuer?: ServiceAccountTokenIssuer;
  apiAudiences: string[];
  /** --service-account-max-token-expiration in seconds; 0 means no cap. */
  maxExpirationSeconds: number;
  getObject: ObjectGetter;
  /** NodeRestriction is enabled: a kubelet may only get tokens bound to a pod on its node. */
  nodeRestriction?: boolean;
}

const GROUP = 'authentication.k8s.io';
const VERSION = 'v1';
const MIN_EXPIRATION = 600;
const DEFAULT_EXPIRATION = 3600;

function validate(spec: Record<string, unknown>): { expirationSeconds: number; audiences: string[]; ref?: Record<string, unknown> } {
  const causes = [];
  const exp = spec['expirationSeconds'] ?? DEFAULT_EXPIRATION;
  if (typeof exp !== 'number' || !Number.isInteger(exp)) causes.push(cause.invalid('spec.expirationSeconds', exp, 'must be an integer'));
  else if (exp < MIN_EXPIRATION) causes.push(cause.invalid('spec.expirationSeconds', exp, 'may not specify a duration less than 10 minutes'));
  else if (exp > 2 ** 32) causes.push(cause.invalid('spec.expirationSeconds', exp, 'may not specify a duration larger than 2^32 seconds'));
  const auds = spec['audiences'];
  const audiences = Array.isArray(auds) ? auds.filter((a): a is string => typeof a === 'string') : [];
  const ref = isObject(spec['boundObjectRef']) ? spec['boundObjectRef'] : undefined;
  if (ref) {
    if (!['Pod', 'Secret', 'Node'].includes(String(ref['kind'] ?? ''))) causes.push(cause.notSupported('spec.boundObjectRef.kind', ref['kind'] ?? '', ['Pod', 'Secret', 'Node']));
    if ((ref['apiVersion'] ?? 'v1') !== 'v1') causes.push(cause.notSupported('spec.boundObjectRef.apiVersion', ref['apiVersion'], ['v1']));
    if (!ref['name']) causes.push(cause.required('spec.boundObjectRef.name'));
  }
  if (causes.length > 0) throw errors.invalid(GROUP, 'TokenRequest', '', causes);
  return { expirationSeconds: exp as number, audiences, ...(ref ? { ref } : {}) };
}

function refClaim(o: KubeObject): ObjectRefClaim {
  return { name: o.metadata.name ?? '', uid: o.metadata.uid ?? '' };
}

async function mustGet(getObject: ObjectGetter, resource: 'pods' | 'secrets' | 'nodes', namespace: string, name: string): Promise<KubeObject> {
  const obj = await getObject(resource, namespace, name);
  if (!obj) throw errors.notFound({ group: '', resource, name });
  return obj;
}

/** NodeRestriction's rule for kubelets (system:node:<name> in system:nodes) asking for tokens. */
async function restrictNode(ctx: VirtualContext, deps: TokenRequestDeps, ref: Record<string, unknown> | undefined): Promise<void> {
  const user = ctx.req.user;
  const node = user ? nodeIdentity(user) : undefined;
  if (node === undefined) return;
  const { namespace, name } = ctx.ri;
  const forbid = (message: string) => errors.forbidden(`serviceaccounts ${JSON.stringify(name)} is forbidden: ${message}`, { group: '', resource: 'serviceaccounts', name });
  if (!ref || (ref['apiVersion'] ?? 'v1') !== 'v1' || ref['kind'] !== 'Pod' || !ref['name']) throw forbid('node requested token not bound to a pod');
  if (!ref['uid']) throw forbid('node requested token with a pod binding without a uid');
  const pod = await mustGet(deps.getObject, 'pods', namespace, String(ref['name']));
  if (ref['uid'] !== pod.metadata.uid) {
    throw forbid(`the UID in the bound object reference (${String(ref['uid'])}) does not match the UID in record. The object might have been deleted and then recreated`);
  }
  if ((isObject(pod['spec']) ? pod['spec']['nodeName'] : undefined) !== node) throw forbid('node requested token bound to a pod scheduled on a different node');
}

export function tokenRequestHandler(deps: TokenRequestDeps): VirtualHandler {
  return async (ctx: VirtualContext) => {
    const issuer = deps.issuer;
    if (!issuer) throw errors.notFoundPath();
    const neg = negotiate(ctx.req, []);
    const { namespace, name } = ctx.ri;
    const body = await readKindBody(ctx.req, GROUP, VERSION, 'TokenRequest');
    const spec = isObject(body['spec']) ? body['spec'] : {};
    const v = validate(spec);
    if (deps.nodeRestriction) await restrictNode(ctx, deps, v.ref);
    const sa = await deps.getObject('serviceaccounts', namespace, name);
    if (!sa) throw errors.notFound({ group: '', resource: 'serviceaccounts', name });

    const req: BoundTokenRequest = {
      namespace,
      serviceAccount: refClaim(sa),
      audiences: v.audiences.length > 0 ? v.audiences : deps.apiAudiences,
      expirationSeconds: deps.maxExpirationSeconds > 0 ? Math.min(v.expirationSeconds, deps.maxExpirationSeconds) : v.expirationSeconds,
    };
    if (v.ref) {
      const kind = String(v.ref['kind']);
      const refName = String(v.ref['name']);
      let bound: KubeObject;
      if (kind === 'Pod') {
        bound = await mustGet(deps.getObject, 'pods', namespace, refName);
        const podSpec = isObject(bound['spec']) ? bound['spec'] : {};
        if ((podSpec['serviceAccountName'] ?? 'default') !== name) {
          throw errors.badRequest(`cannot bind token for serviceaccount ${JSON.stringify(name)} to pod running with different serviceaccount name.`);
        }
        req.pod = refClaim(bound);
        const nodeName = typeof podSpec['nodeName'] === 'string' ? podSpec['nodeName'] : '';
        const node = nodeName ? await deps.getObject('nodes', '', nodeName) : null;
        if (node) req.node = refClaim(node);
      } else if (kind === 'Secret') {
        bound = await mustGet(deps.getObject, 'secrets', namespace, refName);
        req.secret = refClaim(bound);
      } else {
        bound = await mustGet(deps.getObject, 'nodes', '', refName);
        req.node = refClaim(bound);
      }
      const wantUid = typeof v.ref['uid'] === 'string' ? v.ref['uid'] : '';
      if (wantUid && wantUid !== bound.metadata.uid) {
        throw errors.conflict({ group: '', resource: kind, name: refName },
          `the UID in the bound object reference (${wantUid}) does not match the UID in record. The object might have been deleted and then recreated`);
      }
    }
    const issued = await issuer.issue(req);
    const metadata = isObject(body['metadata']) ? body['metadata'] : {};
    writeObject(ctx.res, neg, ctx.info, 201, {
      kind: 'TokenRequest',
      apiVersion: `${GROUP}/${VERSION}`,
      metadata: { ...metadata, name, namespace, creationTimestamp: null },
      spec: { ...spec, audiences: req.audiences, expirationSeconds: req.expirationSeconds, boundObjectRef: v.ref ?? null },
      status: { token: issued.token, expirationTimestamp: issued.expiration.toISOString().replace(/\.\d+Z$/, 'Z') },
    }, { includeObject: 'Object' });
  };
}
