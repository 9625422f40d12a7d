// Bootstrap tokens (--enable-bootstrap-token-auth): "<id>.<secret>" matching a kube-system
// Secret bootstrap-token-<id> of type bootstrap.kubernetes.io/token that allows
// authentication and has not expired, as upstream's bootstrap token authenticator.
import { timingSafeEqual } from 'node:crypto';
import { log } from '../observability/logger.js';
import { none, type TokenAuthenticator } from './authenticator.js';
import type { ObjectGetter } from './object-getter.js';

const TOKEN = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;
const EXTRA_GROUP = /^system:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]$/;

function decoded(data: Record<string, string>, key: string): string {
  const v = data[key];
  return v === undefined ? '' : Buffer.from(v, 'base64').toString('utf8');
}

function equalSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function bootstrapTokenAuthenticator(getObject: ObjectGetter): TokenAuthenticator {
  return {
    name: 'bootstrap-token',
    async authenticate(token) {
      const m = TOKEN.exec(token);
      if (!m) return none;
      const [, id, secretPart] = m as unknown as [string, string, string];
      const secretName = `bootstrap-token-${id}`;
      const secret = await getObject('secrets', 'kube-system', secretName);
      if (!secret) {
        log.v(3).info(`No secret of name ${secretName} to match bootstrap bearer token`);
        return none;
      }
      if (secret.metadata.deletionTimestamp) return none;
      if (secret['type'] !== 'bootstrap.kubernetes.io/token') return none;
      const data = (secret['data'] ?? {}) as Record<string, string>;
      if (!equalSecret(decoded(data, 'token-secret'), secretPart)) return none;
      if (decoded(data, 'token-id') !== id) return none;
      const expiration = decoded(data, 'expiration');
      if (expiration && !(Date.parse(expiration) > Date.now())) return none;
      if (decoded(data, 'usage-bootstrap-authentication') !== 'true') return none;
      const extra = decoded(data, 'auth-extra-groups').split(',').map(g => g.trim()).filter(g => g !== '');
      if (extra.some(g => !EXTRA_GROUP.test(g))) return none;
      return { kind: 'user', user: { name: `system:bootstrap:${id}`, groups: ['system:bootstrappers', ...extra] } };
    },
  };
}
