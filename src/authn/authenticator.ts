// What every authenticator answers, as upstream's (response, ok, err) triple: no credential of
// its kind, an authenticated user, or a credential that is present but not valid.
import type { UserInfo } from './user.js';

export type AuthnResult =
  | { kind: 'none' }
  | { kind: 'user'; user: UserInfo; audiences?: string[] }
  | { kind: 'invalid'; reason: string };

export const none: AuthnResult = { kind: 'none' };

export function invalid(reason: string): AuthnResult {
  return { kind: 'invalid', reason };
}

/** A bearer-token authenticator. `audiences` are the audiences the caller wants the token for. */
export interface TokenAuthenticator {
  readonly name: string;
  authenticate(token: string, audiences?: string[]): Promise<AuthnResult>;
}
