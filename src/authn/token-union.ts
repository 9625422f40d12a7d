// The bearer-token union: each token authenticator in turn; the first user wins. Audience-agnostic
// authenticators (token file, bootstrap tokens) answer only when the caller's audiences overlap
// the API audiences, as upstream's WrapAudienceAgnosticToken.
import { invalid, none, type AuthnResult, type TokenAuthenticator } from './authenticator.js';
import { intersect } from './audiences.js';

export interface TokenUnionEntry {
  authenticator: TokenAuthenticator;
  audienceAgnostic: boolean;
}

export class TokenUnion {
  constructor(
    private readonly entries: TokenUnionEntry[],
    private readonly implicitAudiences: string[],
  ) {}

  get empty(): boolean {
    return this.entries.length === 0;
  }

  private async one(e: TokenUnionEntry, token: string, audiences: string[] | undefined): Promise<AuthnResult> {
    if (!e.audienceAgnostic || audiences === undefined || this.implicitAudiences.length === 0) {
      return e.authenticator.authenticate(token, audiences);
    }
    const auds = intersect(this.implicitAudiences, audiences);
    if (auds.length === 0) return none;
    const r = await e.authenticator.authenticate(token, audiences);
    return r.kind === 'user' && !r.audiences?.length ? { ...r, audiences: auds } : r;
  }

  /** 'none' only when no authenticator recognized the token and none reported an error. */
  async authenticate(token: string, audiences?: string[]): Promise<AuthnResult> {
    const failures: string[] = [];
    for (const e of this.entries) {
      const r = await this.one(e, token, audiences);
      if (r.kind === 'user') return r;
      if (r.kind === 'invalid') failures.push(r.reason);
    }
    if (failures.length === 0) return none;
    return invalid(failures.length === 1 ? failures[0]! : `[${failures.join(', ')}]`);
  }
}
