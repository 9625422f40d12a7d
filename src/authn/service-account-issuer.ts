// Issues bound service-account tokens (TokenRequest) with upstream's claims, signed by
// --service-account-signing-key-file.
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { SigningKey } from './service-account-keys.js';
import { serviceAccountUsername } from './service-account.js';

export interface ObjectRefClaim {
  name: string;
  uid: string;
}

export interface BoundTokenRequest {
  namespace: string;
  serviceAccount: ObjectRefClaim;
  audiences: string[];
  expirationSeconds: number;
  pod?: ObjectRefClaim;
  secret?: ObjectRefClaim;
  node?: ObjectRefClaim;
}

export interface IssuedToken {
  token: string;
  expiration: Date;
}

export class ServiceAccountTokenIssuer {
  constructor(
    readonly issuer: string,
    private readonly key: SigningKey,
  ) {}

  async issue(r: BoundTokenRequest, now = new Date()): Promise<IssuedToken> {
    const iat = Math.floor(now.getTime() / 1000);
    const exp = iat + r.expirationSeconds;
    const k8s: Record<string, unknown> = { namespace: r.namespace };
    if (r.node) k8s['node'] = r.node;
    if (r.pod) k8s['pod'] = r.pod;
    if (r.secret) k8s['secret'] = r.secret;
    k8s['serviceaccount'] = r.serviceAccount;
    const token = await new SignJWT({ 'kubernetes.io': k8s })
      .setProtectedHeader({ alg: this.key.alg, kid: this.key.kid })
      .setIssuer(this.issuer)
      .setSubject(serviceAccountUsername(r.namespace, r.serviceAccount.name))
      .setAudience(r.audiences)
      .setIssuedAt(iat)
      .setNotBefore(iat)
      .setExpirationTime(exp)
      .setJti(randomUUID())
      .sign(this.key.privateKey);
    return { token, expiration: new Date(exp * 1000) };
  }
}
