// POST authentication.k8s.io/v1 selfsubjectreviews: who the server thinks the caller is
// (after impersonation), as `kubectl auth whoami` asks.
import { errors } from '../../api/errors.js';
import { negotiate } from '../negotiate.js';
import { writeObject } from '../respond.js';
import { readKindBody, userInfoJson, type VirtualContext } from './virtual.js';

export async function selfSubjectReviewHandler(ctx: VirtualContext): Promise<void> {
  const neg = negotiate(ctx.req, []);
  await readKindBody(ctx.req, ctx.info.group, ctx.info.version, 'SelfSubjectReview');
  const user = ctx.req.user;
  if (!user) throw errors.internal('no user info present in request');
  writeObject(ctx.res, neg, ctx.info, 201, {
    kind: 'SelfSubjectReview',
    apiVersion: `${ctx.info.group}/${ctx.info.version}`,
    metadata: { creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z') },
    status: { userInfo: userInfoJson(user) },
  }, { includeObject: 'Object' });
}
