// The authentication filter: the union of the configured authenticators in upstream's order
// (front proxy, x509, bearer tokens), one passport strategy per kind, then anonymous. A credential
// that is present but invalid is 401, never anonymous; a success removes the Authorization header.
import type { NextFunction, Request, Response } from 'express';
import type { TLSSocket } from 'node:tls';
import { Passport, type Strategy, type StrategyCreated } from 'passport';
import { Strategy as BearerStrategy } from 'passport-http-bearer';
import { errors } from '../api/errors.js';
import type { AuthnResult, TokenAuthenticator } from '../authn/authenticator.js';
import { authenticateRequestHeader } from '../authn/request-header.js';
import type { Authentication } from '../authn/setup.js';
import { anonymousUser, withAuthenticatedGroup, type UserInfo } from '../authn/user.js';
import { authenticateClientCert } from '../authn/x509.js';
import { writeError } from '../endpoints/status-writer.js';
import { log } from '../observability/logger.js';

declare module 'express-serve-static-core' {
  interface Request {
    user?: UserInfo;
  }
}

/** What a strategy of ours passes to fail() when the credential was present but not valid. */
interface InvalidChallenge {
  invalid: string;
}

type Middleware = (req: Request, res: Response, next: NextFunction) => void;

function resultStrategy(fn: (req: Request) => AuthnResult): Strategy {
  return {
    authenticate(this: StrategyCreated<Strategy>, req: Request) {
      const r = fn(req);
      if (r.kind === 'user') this.success(r.user);
      else if (r.kind === 'none') this.fail();
      else this.fail({ invalid: r.reason } satisfies InvalidChallenge, 401);
    },
  };
}

/** The Authorization header's bearer token, as upstream reads it ("Bearer" in any case, then one token). */
function headerToken(req: Request): string {
  const parts = (req.headers.authorization ?? '').trim().split(/\s+/);
  return parts.length >= 2 && parts[0]!.toLowerCase() === 'bearer' ? parts[1]! : '';
}

function bearerStrategy(a: TokenAuthenticator): Strategy {
  return new BearerStrategy({ passReqToCallback: true }, (req: Request, token: string, done: (err: unknown, user?: UserInfo | false, info?: string) => void) => {
    // passport-http-bearer also reads access_token from the query and body; upstream takes the header only.
    if (token !== headerToken(req)) return done(null, false, 'bearer token must be sent in the Authorization header');
    a.authenticate(token).then(
      r => (r.kind === 'user' ? done(null, r.user) : done(null, false, r.kind === 'invalid' ? r.reason : 'invalid bearer token')),
      (e: unknown) => done(e),
    );
  });
}

function invalidReasons(challenges: unknown, statuses: unknown): string[] {
  const list = Array.isArray(challenges) ? (challenges as unknown[]) : [challenges];
  const codes = Array.isArray(statuses) ? (statuses as unknown[]) : [statuses];
  const out: string[] = [];
  list.forEach((c, i) => {
    if (c && typeof c === 'object' && typeof (c as InvalidChallenge).invalid === 'string') out.push((c as InvalidChallenge).invalid);
    else if (typeof c === 'string' && c.includes('error="invalid')) out.push(/error_description="([^"]*)"/.exec(c)?.[1] ?? 'invalid bearer token');
    else if (codes[i] === 400) out.push('invalid bearer token');
  });
  return out;
}

export function authenticationFilter(authn: Authentication) {
  const passport = new Passport();
  const names: string[] = [];
  const requestHeader = authn.requestHeader;
  if (requestHeader) {
    passport.use('requestheader', resultStrategy(req => authenticateRequestHeader(req.socket as TLSSocket, req.headers, requestHeader, req.headersDistinct)));
    names.push('requestheader');
  }
  const clientCA = authn.clientCA;
  if (clientCA) {
    passport.use('x509', resultStrategy(req => authenticateClientCert(req.socket as TLSSocket, clientCA)));
    names.push('x509');
  }
  for (const t of authn.tokenAuthenticators) {
    passport.use(t.name, bearerStrategy(t));
    names.push(t.name);
  }
  passport.use('anonymous', resultStrategy(() => ({ kind: 'user', user: anonymousUser })));

  const unauthorized = (req: Request, res: Response, reasons: string[]) => {
    log.v(2).info('Unable to authenticate the request', { path: req.path, err: reasons.join(', ') });
    writeError(res, errors.unauthorized());
  };

  const anonymous: Middleware = (req, res, next) => {
    const authenticate = passport.authenticate('anonymous', { session: false }, (_err: unknown, user: UserInfo) => {
      req.user = user;
      next();
    }) as Middleware;
    authenticate(req, res, next);
  };
  return (req: Request, res: Response, next: NextFunction): void => {
    const authenticate = passport.authenticate(names, { session: false }, (err: unknown, user: UserInfo | false | null, challenges: unknown, statuses: unknown) => {
      if (err) return unauthorized(req, res, [err instanceof Error ? err.message : String(err)]);
      if (user) {
        req.user = withAuthenticatedGroup(user);
        delete req.headers.authorization;
        return next();
      }
      const reasons = invalidReasons(challenges, statuses);
      if (reasons.length > 0 || !authn.anonymous) return unauthorized(req, res, reasons);
      anonymous(req, res, next);
    }) as Middleware;
    authenticate(req, res, next);
  };
}
