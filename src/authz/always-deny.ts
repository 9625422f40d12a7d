// --authorization-mode=AlwaysDeny: every request is denied (upstream's reason text).
import type { Authorizer } from './types.js';

export const alwaysDeny: Authorizer = {
  authorize: () => ({ decision: 'Deny', reason: 'Everything is forbidden.' }),
  rulesFor: () => ({ resourceRules: [], nonResourceRules: [], incomplete: false }),
};
