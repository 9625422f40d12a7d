// The user a request runs as, for code below the filters that has no request object (the RBAC
// escalation check in admission). Upstream carries it in context.Context; AsyncLocalStorage is
// Node's equivalent. Server-internal writes (bootstrap, controllers) run with no user.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { UserInfo } from '../authn/user.js';

const current = new AsyncLocalStorage<UserInfo>();

export function runAsUser<T>(user: UserInfo, fn: () => T): T {
  return current.run(user, fn);
}

export function requestUser(): UserInfo | undefined {
  return current.getStore();
}
