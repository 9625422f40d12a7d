// POST authentication.k8s.io/v1 tokenreviews: runs a token through the bearer-token union, as
// upstream's tokenreview REST does (audiences default to --api-audiences).
import { errors } from '../../api/errors.js';
import { isObject } from '../../api/types.js';
import { intersect } from '../../authn/audiences.js';
import type { TokenUnion } from '../../authn/token-union.js';
import { withAuthenticatedGroup } from '../../authn/user.js';
import { negotiate } from '../negotiate.js';
import { writeObject } from '../respond.js';
import { readKindBody, userInfoJson, type VirtualContext, type VirtualHandler } from './virtual.js';

export interface TokenReviewDeps {
  tokens: TokenUnion;
  apiAudiences: string[];
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

export function tokenReviewHandler(deps: TokenReviewDeps): VirtualHandler {
  return async (ctx: VirtualContext) => {
    const neg = negotiate(ctx.req, []);
    const body = await readKindBody(ctx.req, ctx.info.group, ctx.info.version, 'TokenReview');
    const spec = isObject(body['spec']) ? body['spec'] : {};
    const token = typeof spec['token'] === 'string' ? spec['token'] : '';
    if (!token) throw errors.badRequest('token is required for TokenReview in authentication');
    const requested = strings(spec['audiences']);
    const audiences = requested.length > 0 ? requested : deps.apiAudiences;
    const result = await deps.tokens.authenticate(token, audiences.length > 0 ? audiences : undefined);
    const status: Record<string, unknown> = { authenticated: result.kind === 'user', user: {} };
    if (result.kind === 'invalid') status['error'] = result.reason;
    if (result.kind === 'user') {
      const auds = result.audiences ?? [];
      if (audiences.length > 0 && intersect(audiences, auds).length === 0) {
        throw errors.internal('error validating audience');
      }
      status['user'] = userInfoJson(withAuthenticatedGroup(result.user));
      if (auds.length > 0) status['audiences'] = auds;
    }
    const metadata = isObject(body['metadata']) ? { ...body['metadata'] } : {};
    writeObject(ctx.res, neg, ctx.info, 201, {
      kind: 'TokenReview',
      apiVersion: `${ctx.info.group}/${ctx.info.version}`,
      metadata: { ...metadata, creationTimestamp: null },
      spec: { ...spec, ...(requested.length > 0 ? { audiences: requested } : {}) },
      status,
    }, { includeObject: 'Object' });
  };
}
