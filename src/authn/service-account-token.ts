// Service-account JWT authentication: legacy secret-based tokens (issuer
// kubernetes/serviceaccount) and bound tokens (kubernetes.io claims), verified against
// --service-account-key-file and checked against the objects they name, as upstream's
// pkg/serviceaccount jwt.go, legacy.go and claims.go.
import type { KeyObject } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import type { KubeObject } from '../api/types.js';
import { invalid, none, type AuthnResult, type TokenAuthenticator } from './authenticator.js';
import { goQuoted, intersect } from './audiences.js';
import type { CoreResource, ObjectGetter } from './object-getter.js';
import { algorithmFor } from './service-account-keys.js';
import { serviceAccountUser, serviceAccountUsername } from './service-account.js';

export const LEGACY_ISSUER = 'kubernetes/serviceaccount';
/** go-jose's default leeway for exp/nbf, which upstream's claim validation uses. */
const LEEWAY_SECONDS = 60;

export interface ServiceAccountTokenConfig {
  issuers: string[];
  keys: KeyObject[];
  /** --api-audiences: the audiences assumed when a token or caller names none. */
  implicitAudiences: string[];
  /** --service-account-lookup: check legacy tokens against their secret and service account. */
  lookup: boolean;
  getObject: ObjectGetter;
}

interface ObjRef { name?: unknown; uid?: unknown }
interface KubernetesClaims {
  namespace?: unknown;
  serviceaccount?: ObjRef;
  pod?: ObjRef;
  secret?: ObjRef;
  node?: ObjRef;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

async function verifySignature(token: string, keys: KeyObject[]): Promise<JWTPayload | string> {
  let alg: string;
  try {
    alg = decodeProtectedHeader(token).alg ?? '';
  } catch {
    return 'token could not be validated.';
  }
  for (const key of keys) {
    if (algorithmFor(key) !== alg) continue;
    try {
      return (await jwtVerify(token, key, { algorithms: [alg], clockTolerance: LEEWAY_SECONDS })).payload;
    } catch (e) {
      if (e instanceof joseErrors.JWTExpired) return 'service account token has expired';
      if (e instanceof joseErrors.JWTClaimValidationFailed) {
        return e.claim === 'nbf' ? 'service account token is not valid yet' : `service account token claim ${e.claim} is invalid`;
      }
    }
  }
  return 'token could not be validated.';
}

async function live(getObject: ObjectGetter, resource: CoreResource, namespace: string, name: string): Promise<KubeObject | null> {
  const obj = await getObject(resource, namespace, name);
  if (!obj) return null;
  // Upstream tolerates objects deleted less than a minute ago (caches may lag).
  const deleted = obj.metadata.deletionTimestamp;
  if (deleted && Date.parse(deleted) < Date.now() - 60_000) return null;
  return obj;
}

function audiencesCheck(tokenAud: string[], requested: string[] | undefined, implicit: string[]): string[] | string {
  const tokenAuds = tokenAud.length > 0 ? tokenAud : implicit;
  const wanted = requested ?? implicit;
  const auds = intersect(tokenAuds, wanted);
  if (auds.length === 0 && implicit.length > 0) return `token audiences ${goQuoted(tokenAuds)} is invalid for the target audiences ${goQuoted(wanted)}`;
  return auds;
}

async function validateLegacy(token: string, p: JWTPayload, cfg: ServiceAccountTokenConfig): Promise<AuthnResult> {
  const namespace = str(p['kubernetes.io/serviceaccount/namespace']);
  const secretName = str(p['kubernetes.io/serviceaccount/secret.name']);
  const saName = str(p['kubernetes.io/serviceaccount/service-account.name']);
  const saUid = str(p['kubernetes.io/serviceaccount/service-account.uid']);
  if (!namespace) return invalid('namespace claim is missing');
  if (!secretName) return invalid('secretName claim is missing');
  if (!saName) return invalid('serviceAccountName claim is missing');
  if (!saUid) return invalid('serviceAccountUID claim is missing');
  if (p.sub !== serviceAccountUsername(namespace, saName)) return invalid('sub claim does not match the service account');
  if (cfg.lookup) {
    const secret = await cfg.getObject('secrets', namespace, secretName);
    if (!secret || secret.metadata.deletionTimestamp) return invalid('token has been invalidated');
    const data = (secret['data'] ?? {}) as Record<string, string>;
    if (Buffer.from(data['token'] ?? '', 'base64').toString('utf8') !== token) return invalid("token does not match server's copy");
    if (secret.metadata.labels?.['kubernetes.io/legacy-token-invalid-since']) {
      return invalid(`the token in secret ${namespace}/${secretName} for service account ${namespace}/${saName} has been marked invalid`);
    }
    const sa = await cfg.getObject('serviceaccounts', namespace, saName);
    if (!sa || sa.metadata.deletionTimestamp) return invalid(`service account ${namespace}/${saName} has been deleted`);
    if (sa.metadata.uid !== saUid) return invalid(`service account UID (${saUid}) does not match claim (${sa.metadata.uid ?? ''})`);
  }
  return { kind: 'user', user: serviceAccountUser(namespace, saName, saUid) };
}

async function validateBound(p: JWTPayload, cfg: ServiceAccountTokenConfig): Promise<AuthnResult> {
  const k = p['kubernetes.io'] as KubernetesClaims | undefined;
  if (!k || typeof k !== 'object') return invalid('token could not be validated.');
  const namespace = str(k.namespace);
  const saName = str(k.serviceaccount?.name);
  const saUid = str(k.serviceaccount?.uid);
  if (!namespace || !saName) return invalid('token could not be validated.');
  const sa = await live(cfg.getObject, 'serviceaccounts', namespace, saName);
  if (!sa) return invalid(`service account ${namespace}/${saName} has been deleted`);
  if (sa.metadata.uid !== saUid) return invalid(`service account UID (${saUid}) does not match claim (${sa.metadata.uid ?? ''})`);
  const extra: Record<string, string[]> = {};
  if (k.secret) {
    const name = str(k.secret.name);
    const secret = await live(cfg.getObject, 'secrets', namespace, name);
    if (!secret) return invalid(`secret ${namespace}/${name} has been deleted`);
    if (secret.metadata.uid !== str(k.secret.uid)) return invalid(`secret UID (${str(k.secret.uid)}) does not match service account secret ref claim (${secret.metadata.uid ?? ''})`);
  }
  if (k.pod) {
    const name = str(k.pod.name);
    const pod = await live(cfg.getObject, 'pods', namespace, name);
    if (!pod) return invalid(`pod ${namespace}/${name} has been deleted`);
    if (pod.metadata.uid !== str(k.pod.uid)) return invalid(`pod UID (${str(k.pod.uid)}) does not match service account pod ref claim (${pod.metadata.uid ?? ''})`);
    extra['authentication.kubernetes.io/pod-name'] = [name];
    extra['authentication.kubernetes.io/pod-uid'] = [str(k.pod.uid)];
  }
  if (k.node) {
    const name = str(k.node.name);
    // A token bound to a pod carries its node for information; only a node-bound token fails with the node.
    if (!k.pod) {
      const node = await live(cfg.getObject, 'nodes', '', name);
      if (!node) return invalid(`node ${name} has been deleted`);
      if (node.metadata.uid !== str(k.node.uid)) return invalid(`node UID (${str(k.node.uid)}) does not match service account node ref claim (${node.metadata.uid ?? ''})`);
    }
    extra['authentication.kubernetes.io/node-name'] = [name];
    extra['authentication.kubernetes.io/node-uid'] = [str(k.node.uid)];
  }
  if (typeof p.jti === 'string' && p.jti) extra['authentication.kubernetes.io/credential-id'] = [`JTI=${p.jti}`];
  return { kind: 'user', user: serviceAccountUser(namespace, saName, saUid, extra) };
}

export function serviceAccountTokenAuthenticator(cfg: ServiceAccountTokenConfig): TokenAuthenticator {
  const issuers = new Set([...cfg.issuers, LEGACY_ISSUER]);
  return {
    name: 'service-account',
    async authenticate(token, audiences) {
      let unverified: JWTPayload;
      try {
        unverified = decodeJwt(token);
      } catch {
        return none;
      }
      if (typeof unverified.iss !== 'string' || !issuers.has(unverified.iss)) return none;
      const payload = await verifySignature(token, cfg.keys);
      if (typeof payload === 'string') return invalid(payload);
      const aud = payload.aud === undefined ? [] : Array.isArray(payload.aud) ? payload.aud : [payload.aud];
      const auds = audiencesCheck(aud, audiences, cfg.implicitAudiences);
      if (typeof auds === 'string') return invalid(auds);
      const result = payload.iss === LEGACY_ISSUER ? await validateLegacy(token, payload, cfg) : await validateBound(payload, cfg);
      return result.kind === 'user' ? { ...result, audiences: auds } : result;
    },
  };
}
