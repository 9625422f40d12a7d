// Builds the authenticators from the authentication flags: reads the token file and
// service-account keys once at start-up, as upstream does; CA bundles are reloadable.
import type { KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { log } from '../observability/logger.js';
import type { TokenAuthenticator } from './authenticator.js';
import { bootstrapTokenAuthenticator } from './bootstrap-token.js';
import { CABundle } from './ca-bundle.js';
import type { ObjectGetter } from './object-getter.js';
import type { RequestHeaderConfig } from './request-header.js';
import { ServiceAccountTokenIssuer } from './service-account-issuer.js';
import { loadPublicKeys, loadSigningKey } from './service-account-keys.js';
import { serviceAccountTokenAuthenticator } from './service-account-token.js';
import { tokenFileAuthenticator } from './token-file.js';
import { TokenUnion, type TokenUnionEntry } from './token-union.js';

/** The authentication flags, as upstream names them. */
export interface AuthenticationFlags {
  requestheaderClientCaFile?: string;
  requestheaderAllowedNames?: string[];
  requestheaderUsernameHeaders?: string[];
  requestheaderGroupHeaders?: string[];
  requestheaderExtraHeadersPrefix?: string[];
  requestheaderUidHeaders?: string[];
  tokenAuthFile?: string;
  serviceAccountKeyFiles?: string[];
  serviceAccountIssuers?: string[];
  apiAudiences?: string[];
  serviceAccountLookup?: boolean;
  serviceAccountSigningKeyFile?: string;
  /** 0 means no cap. */
  serviceAccountMaxTokenExpirationSeconds?: number;
  serviceAccountJwksUri?: string;
  enableBootstrapTokenAuth?: boolean;
}

export interface IssuerDiscovery {
  issuer: string;
  jwksUri: string;
  keys: KeyObject[];
}

export interface Authentication {
  requestHeader?: RequestHeaderConfig;
  /** --client-ca-file, for x509 client certificates. */
  clientCA?: CABundle;
  /** Bearer-token authenticators in upstream's order (token file, service accounts, bootstrap tokens). */
  tokenAuthenticators: TokenAuthenticator[];
  /** The same authenticators as one union, for TokenReview. */
  tokens: TokenUnion;
  anonymous: boolean;
  apiAudiences: string[];
  /** Present when --service-account-signing-key-file and an issuer are configured (TokenRequest). */
  tokenIssuer?: ServiceAccountTokenIssuer;
  maxTokenExpirationSeconds: number;
  /** Present when the first issuer is an https URL (OIDC discovery documents). */
  discovery?: IssuerDiscovery;
  /** Every CA bundle the TLS listener must ask client certificates for (current content via `pem`). */
  listenerClientCAs: CABundle[];
}

export interface AuthenticationInputs {
  clientCaFile?: string;
  anonymous: boolean;
  flags: AuthenticationFlags;
  getObject: ObjectGetter;
  /** host:port used for the default JWKS URI, as upstream's external address. */
  externalAddress?: string;
}

function discoveryFor(issuer: string | undefined, jwksUri: string | undefined, externalAddress: string | undefined, keys: KeyObject[]): IssuerDiscovery | undefined {
  if (!issuer || keys.length === 0) return undefined;
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:') {
    log.info('Not serving OpenID discovery: the service account issuer is not an https URL', { issuer });
    return undefined;
  }
  const uri = jwksUri || (externalAddress ? `https://${externalAddress}/openid/v1/jwks` : '');
  if (!uri) return undefined;
  return { issuer, jwksUri: uri, keys };
}

export async function buildAuthentication(inp: AuthenticationInputs): Promise<Authentication> {
  const f = inp.flags;
  const listenerClientCAs: CABundle[] = [];
  const clientCA = inp.clientCaFile ? await CABundle.load(inp.clientCaFile) : undefined;
  if (clientCA) listenerClientCAs.push(clientCA);
  let requestHeader: RequestHeaderConfig | undefined;
  if (f.requestheaderClientCaFile) {
    const ca = await CABundle.load(f.requestheaderClientCaFile);
    requestHeader = {
      ca,
      allowedNames: f.requestheaderAllowedNames ?? [],
      usernameHeaders: f.requestheaderUsernameHeaders ?? [],
      groupHeaders: f.requestheaderGroupHeaders ?? [],
      extraHeaderPrefixes: f.requestheaderExtraHeadersPrefix ?? [],
      uidHeaders: f.requestheaderUidHeaders ?? [],
    };
    listenerClientCAs.push(ca);
  }

  const issuers = f.serviceAccountIssuers ?? [];
  const apiAudiences = f.apiAudiences && f.apiAudiences.length > 0 ? f.apiAudiences : issuers.slice(0, 1);
  // Without --service-account-key-file the signing key verifies its own tokens.
  const keyFiles = f.serviceAccountKeyFiles && f.serviceAccountKeyFiles.length > 0 ? f.serviceAccountKeyFiles : f.serviceAccountSigningKeyFile ? [f.serviceAccountSigningKeyFile] : [];
  const publicKeys = await loadPublicKeys(keyFiles);

  const entries: TokenUnionEntry[] = [];
  if (f.tokenAuthFile) entries.push({ authenticator: await tokenFileAuthenticator(f.tokenAuthFile), audienceAgnostic: true });
  if (publicKeys.length > 0) {
    entries.push({
      authenticator: serviceAccountTokenAuthenticator({ issuers, keys: publicKeys, implicitAudiences: apiAudiences, lookup: f.serviceAccountLookup ?? true, getObject: inp.getObject }),
      audienceAgnostic: false,
    });
  }
  if (f.enableBootstrapTokenAuth) entries.push({ authenticator: bootstrapTokenAuthenticator(inp.getObject), audienceAgnostic: true });

  const tokenIssuer = f.serviceAccountSigningKeyFile && issuers[0]
    ? new ServiceAccountTokenIssuer(issuers[0], await loadSigningKey(f.serviceAccountSigningKeyFile))
    : undefined;
  const discovery = discoveryFor(issuers[0], f.serviceAccountJwksUri, inp.externalAddress, publicKeys);

  return {
    ...(requestHeader ? { requestHeader } : {}),
    ...(clientCA ? { clientCA } : {}),
    tokenAuthenticators: entries.map(e => e.authenticator),
    tokens: new TokenUnion(entries, apiAudiences),
    anonymous: inp.anonymous,
    apiAudiences,
    ...(tokenIssuer ? { tokenIssuer } : {}),
    maxTokenExpirationSeconds: f.serviceAccountMaxTokenExpirationSeconds ?? 0,
    ...(discovery ? { discovery } : {}),
    listenerClientCAs,
  };
}
