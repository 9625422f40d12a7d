// The authentication API's virtual resources keyed for the resource router: TokenReview,
// SelfSubjectReview and the serviceaccounts/token subresource (TokenRequest).
import type { Authentication } from '../authn/setup.js';
import type { ObjectGetter } from '../authn/object-getter.js';
import { selfSubjectReviewHandler } from './handlers/self-subject-review.js';
import { tokenRequestHandler } from './handlers/token-request.js';
import { tokenReviewHandler } from './handlers/token-review.js';
import { virtualKey, type VirtualHandler } from './handlers/virtual.js';

export function authenticationResources(authn: Authentication, getObject: ObjectGetter, nodeRestriction: boolean): Record<string, VirtualHandler> {
  return {
    [virtualKey('authentication.k8s.io', 'tokenreviews')]: tokenReviewHandler({ tokens: authn.tokens, apiAudiences: authn.apiAudiences }),
    [virtualKey('authentication.k8s.io', 'selfsubjectreviews')]: selfSubjectReviewHandler,
    [virtualKey('', 'serviceaccounts', 'token')]: tokenRequestHandler({
      ...(authn.tokenIssuer ? { issuer: authn.tokenIssuer } : {}),
      apiAudiences: authn.apiAudiences,
      maxExpirationSeconds: authn.maxTokenExpirationSeconds,
      getObject,
      nodeRestriction,
    }),
  };
}
