// Impersonation (Impersonate-User, -Uid, -Group, -Extra-<key>): each requested identity is
// authorized for the acting user with verb "impersonate", then replaces it, as upstream's
// WithImpersonation filter.
import type { NextFunction, Request, Response } from 'express';
import { errors } from '../api/errors.js';
import { serviceAccountGroups, splitServiceAccountUsername } from '../authn/service-account.js';
import type { UserInfo } from '../authn/user.js';
import { writeError } from '../endpoints/status-writer.js';
import type { Attributes } from '../authz/types.js';
import type { AuthorizeFn } from '../authz/union.js';
import { forbiddenError } from './authorization.js';

/** The AlwaysAllow authorizer's answer, for servers built without an authorizer chain. */
export const allowAll: AuthorizeFn = async () => ({ allowed: true, reason: '' });

const USER = 'impersonate-user';
const UID = 'impersonate-uid';
const GROUP = 'impersonate-group';
const EXTRA_PREFIX = 'impersonate-extra-';

declare module 'express-serve-static-core' {
  interface Request {
    /** The authenticated user when the request impersonates someone else (for audit). */
    impersonatedBy?: UserInfo;
  }
}

function headerValues(v: string | string[] | undefined): string[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

function unescapeKey(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

interface Requested {
  user: string;
  uid: string;
  groups: string[];
  extra: Record<string, string[]>;
}

function requestedIdentity(req: Request): Requested | undefined {
  const h = req.headers;
  const user = headerValues(h[USER])[0] ?? '';
  const uid = headerValues(h[UID])[0] ?? '';
  // Node joins repeated headers with ", " for unknown names; each value is one group.
  const groups = req.headersDistinct[GROUP] ?? [];
  const extra: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(req.headersDistinct)) {
    if (!name.startsWith(EXTRA_PREFIX) || !values) continue;
    extra[unescapeKey(name.slice(EXTRA_PREFIX.length)).toLowerCase()] = values;
  }
  if (!user && !uid && groups.length === 0 && Object.keys(extra).length === 0) return undefined;
  return { user, uid, groups, extra };
}

function attributesFor(r: Requested): Attributes[] {
  const out: Attributes[] = [];
  const sa = splitServiceAccountUsername(r.user);
  out.push(sa
    ? { isResourceRequest: true, verb: 'impersonate', resource: 'serviceaccounts', group: '', namespace: sa[0], name: sa[1] }
    : { isResourceRequest: true, verb: 'impersonate', resource: 'users', group: '', name: r.user });
  for (const g of r.groups) out.push({ isResourceRequest: true, verb: 'impersonate', resource: 'groups', group: '', name: g });
  for (const [key, values] of Object.entries(r.extra)) {
    for (const v of values) out.push({ isResourceRequest: true, verb: 'impersonate', resource: 'userextras', group: 'authentication.k8s.io', subresource: key, name: v });
  }
  if (r.uid) out.push({ isResourceRequest: true, verb: 'impersonate', resource: 'uids', group: 'authentication.k8s.io', name: r.uid });
  return out;
}

function impersonatedUser(r: Requested): UserInfo {
  const groups = [...r.groups];
  const sa = splitServiceAccountUsername(r.user);
  if (sa) groups.unshift(...serviceAccountGroups(sa[0]));
  if (r.user !== 'system:anonymous') {
    if (!groups.includes('system:authenticated') && !groups.includes('system:unauthenticated')) groups.push('system:authenticated');
  } else if (!groups.includes('system:unauthenticated')) {
    groups.push('system:unauthenticated');
  }
  return {
    name: r.user,
    groups,
    ...(r.uid ? { uid: r.uid } : {}),
    ...(Object.keys(r.extra).length > 0 ? { extra: r.extra } : {}),
  };
}

function stripImpersonationHeaders(req: Request): void {
  for (const name of Object.keys(req.headers)) {
    if (name === USER || name === UID || name === GROUP || name.startsWith(EXTRA_PREFIX)) delete req.headers[name];
  }
}

export function impersonationFilter(authorize: AuthorizeFn = allowAll) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const requested = requestedIdentity(req);
    if (!requested) return next();
    try {
      if (!requested.user) {
        const what = [requested.groups.length > 0 ? 'groups' : '', requested.uid ? 'uid' : '', Object.keys(requested.extra).length > 0 ? 'extra' : ''].filter(Boolean);
        throw errors.internal(`requested [${what.join(' ')}] without impersonating a user`);
      }
      const actor = req.user;
      if (!actor) throw errors.unauthorized();
      for (const attrs of attributesFor(requested)) {
        const decision = await authorize(actor, attrs);
        if (!decision.allowed) throw forbiddenError(actor, attrs, decision.reason);
      }
      req.impersonatedBy = actor;
      req.user = impersonatedUser(requested);
      stripImpersonationHeaders(req);
      next();
    } catch (e) {
      writeError(res, e);
    }
  };
}
