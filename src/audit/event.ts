// The audit.k8s.io/v1 Event: its shape, how a request becomes one (upstream's
// audit.LogRequestMetadata, LogRequestObject, LogResponseObject), and its JSON encoding with
// upstream's field order and MicroTime timestamps.
import { isIP } from 'node:net';
import type { AuditLevel, AuditStage } from './policy.js';

export interface AuditUser {
  username?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

export interface ObjectReference {
  resource?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiGroup?: string;
  apiVersion?: string;
  resourceVersion?: string;
  subresource?: string;
}

export interface ResponseStatus {
  status?: string;
  message?: string;
  reason?: string;
  details?: unknown;
  code: number;
}

export interface AuditEvent {
  level: AuditLevel;
  auditID: string;
  stage: AuditStage;
  requestURI: string;
  verb: string;
  user: AuditUser;
  impersonatedUser?: AuditUser;
  sourceIPs?: string[];
  userAgent?: string;
  objectRef?: ObjectReference;
  responseStatus?: ResponseStatus;
  requestObject?: unknown;
  responseObject?: unknown;
  /** Microseconds since the epoch. */
  requestReceivedMicros: number;
  stageMicros: number;
  annotations?: Record<string, string>;
}

/** Microseconds since the epoch, from the monotonic clock anchored at process start. */
export function nowMicros(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

/** metav1.MicroTime's JSON form: RFC 3339 in UTC with exactly six fractional digits. */
export function formatMicroTime(micros: number): string {
  const ms = Math.floor(micros / 1000);
  const iso = new Date(ms).toISOString(); // 2006-01-02T15:04:05.000Z
  const frac = String(micros - Math.floor(micros / 1_000_000) * 1_000_000).padStart(6, '0');
  return `${iso.slice(0, 19)}.${frac}Z`;
}

/** Go's time.RFC3339Nano in UTC: trailing zeros of the fraction dropped. */
export function formatRFC3339Nano(micros: number): string {
  const s = formatMicroTime(micros);
  const [head, frac] = [s.slice(0, 19), s.slice(20, 26).replace(/0+$/, '')];
  return frac ? `${head}.${frac}Z` : `${head}Z`;
}

const maxUserAgentLength = 1024;

export function truncateUserAgent(ua: string): string {
  return ua.length > maxUserAgentLength ? `${ua.slice(0, maxUserAgentLength)}...TRUNCATED` : ua;
}

function normalizeIP(s: string): string | undefined {
  const ip = s.trim().replace(/^\[|\]$/g, '').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
  return isIP(ip) ? ip : undefined;
}

/** Upstream's utilnet.SourceIPs: X-Forwarded-For, then X-Real-Ip, then the peer address. */
export function sourceIPs(forwardedFor: string | undefined, realIP: string | undefined, remoteAddress: string | undefined): string[] {
  const ips: string[] = [];
  for (const part of (forwardedFor ?? '').split(',')) {
    const ip = normalizeIP(part);
    if (ip) ips.push(ip);
  }
  const real = realIP ? normalizeIP(realIP) : undefined;
  if (real && !ips.includes(real)) ips.push(real);
  const remote = remoteAddress ? normalizeIP(remoteAddress) : undefined;
  if (remote && ips[ips.length - 1] !== remote) ips.push(remote);
  return ips;
}

export function auditUserOf(u: { name: string; uid?: string; groups: readonly string[]; extra?: Record<string, string[]> } | undefined): AuditUser {
  if (!u) return {};
  const out: AuditUser = { username: u.name };
  if (u.uid) out.uid = u.uid;
  if (u.groups.length > 0) out.groups = [...u.groups];
  if (u.extra && Object.keys(u.extra).length > 0) out.extra = { ...u.extra };
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function withoutManagedFieldsInObject(o: unknown): unknown {
  if (!isRecord(o) || !isRecord(o['metadata']) || !('managedFields' in o['metadata'])) return o;
  const { managedFields: _dropped, ...metadata } = o['metadata'];
  return { ...o, metadata };
}

/** Upstream's copyWithoutManagedFields: the object, each list item, or each Table row's object. */
export function withoutManagedFields(obj: unknown): unknown {
  if (!isRecord(obj)) return obj;
  let out = withoutManagedFieldsInObject(obj) as Record<string, unknown>;
  if (Array.isArray(out['items'])) out = { ...out, items: out['items'].map(withoutManagedFieldsInObject) };
  if (obj['kind'] === 'Table' && Array.isArray(out['rows'])) {
    out = { ...out, rows: out['rows'].map(r => (isRecord(r) && 'object' in r ? { ...r, object: withoutManagedFieldsInObject(r['object']) } : r)) };
  }
  return out;
}

/** The bounded fields of a Status response body, as upstream copies them into responseStatus. */
export function statusFromBody(body: unknown, code: number): ResponseStatus | undefined {
  if (!isRecord(body) || body['kind'] !== 'Status') return undefined;
  const s: ResponseStatus = { code: typeof body['code'] === 'number' ? body['code'] : code };
  if (typeof body['status'] === 'string' && body['status']) s.status = body['status'];
  if (typeof body['message'] === 'string' && body['message']) s.message = body['message'];
  if (typeof body['reason'] === 'string' && body['reason']) s.reason = body['reason'];
  if (body['details'] !== undefined && body['details'] !== null) s.details = body['details'];
  return s;
}

/** Fills objectRef gaps from the decoded request object, as upstream's LogRequestObject does. */
export function enrichObjectRef(ref: ObjectReference, obj: unknown): void {
  if (!isRecord(obj) || !isRecord(obj['metadata'])) return;
  const m = obj['metadata'];
  const take = (k: 'namespace' | 'name' | 'uid' | 'resourceVersion') => {
    const v = m[k];
    if (!ref[k] && typeof v === 'string' && v !== '') ref[k] = v;
  };
  take('namespace');
  take('name');
  take('uid');
  take('resourceVersion');
}

function present<T>(v: T | undefined): v is T {
  return v !== undefined;
}

function compact<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => present(v) && v !== '')) as Partial<T>;
}

/** The event as audit.k8s.io/v1 JSON, fields in upstream's order, empty ones left out as upstream does. */
export function eventToJSON(ev: AuditEvent): Record<string, unknown> {
  const out: Record<string, unknown> = {
    kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: ev.level, auditID: ev.auditID, stage: ev.stage,
    requestURI: ev.requestURI, verb: ev.verb, user: compact(ev.user),
  };
  if (ev.impersonatedUser) out['impersonatedUser'] = compact(ev.impersonatedUser);
  if (ev.sourceIPs && ev.sourceIPs.length > 0) out['sourceIPs'] = ev.sourceIPs;
  if (ev.userAgent) out['userAgent'] = ev.userAgent;
  if (ev.objectRef) {
    const r = ev.objectRef;
    out['objectRef'] = compact({
      resource: r.resource, namespace: r.namespace, name: r.name, uid: r.uid, apiGroup: r.apiGroup,
      apiVersion: r.apiVersion, resourceVersion: r.resourceVersion, subresource: r.subresource,
    });
  }
  if (ev.responseStatus) {
    const s = ev.responseStatus;
    out['responseStatus'] = { metadata: {}, ...compact({ status: s.status, message: s.message, reason: s.reason }), ...(s.details !== undefined ? { details: s.details } : {}), code: s.code };
  }
  if (ev.requestObject !== undefined) out['requestObject'] = ev.requestObject;
  if (ev.responseObject !== undefined) out['responseObject'] = ev.responseObject;
  out['requestReceivedTimestamp'] = formatMicroTime(ev.requestReceivedMicros);
  out['stageTimestamp'] = formatMicroTime(ev.stageMicros);
  if (ev.annotations && Object.keys(ev.annotations).length > 0) out['annotations'] = ev.annotations;
  return out;
}

function goQuote(s: string): string {
  return JSON.stringify(s);
}

/** Upstream's audit.EventString: the one-line "legacy" log format. */
export function eventToLegacyLine(ev: AuditEvent): string {
  let username = '<none>';
  let groups = '<none>';
  if (ev.user.username) {
    username = ev.user.username;
    if (ev.user.groups && ev.user.groups.length > 0) groups = ev.user.groups.map(goQuote).join(',');
  }
  let asUser = '<self>';
  let asGroups = '<lookup>';
  if (ev.impersonatedUser) {
    asUser = ev.impersonatedUser.username ?? '';
    if (ev.impersonatedUser.groups) asGroups = ev.impersonatedUser.groups.map(goQuote).join(',');
  }
  const namespace = ev.objectRef?.namespace || '<none>';
  const response = ev.responseStatus ? String(ev.responseStatus.code) : '<deferred>';
  const ip = ev.sourceIPs?.[0] ?? '<unknown>';
  return `${formatRFC3339Nano(ev.requestReceivedMicros)} AUDIT: id=${goQuote(ev.auditID)} stage=${goQuote(ev.stage)} ip=${goQuote(ip)} method=${goQuote(ev.verb)} user=${goQuote(username)} groups=${goQuote(groups)} as=${goQuote(asUser)} asgroups=${goQuote(asGroups)} user-agent=${goQuote(ev.userAgent ?? '')} namespace=${goQuote(namespace)} uri=${goQuote(ev.requestURI)} response="${response}"`;
}
