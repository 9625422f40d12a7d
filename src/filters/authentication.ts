// The authentication filter: the union of the configured authenticators in upstream's order.
// A credential that is present but invalid is 401, never anonymous.
import type { NextFunction, Request, Response } from 'express';
import type { TLSSocket } from 'node:tls';
import { errors } from '../api/errors.js';
import { authenticateClientCert } from '../authn/x509.js';
import { anonymousUser, withAuthenticatedGroup, type UserInfo } from '../authn/user.js';
import { writeError } from '../endpoints/status-writer.js';

declare module 'express-serve-static-core' {
  interface Request {
    user?: UserInfo;
  }
}

export interface AuthenticationConfig {
  clientCA: boolean;
  anonymous: boolean;
}

export function authenticationFilter(cfg: AuthenticationConfig) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (cfg.clientCA) {
      const r = authenticateClientCert(req.socket as TLSSocket);
      if (r.kind === 'user') {
        req.user = withAuthenticatedGroup(r.user);
        return next();
      }
      if (r.kind === 'invalid') return writeError(res, errors.unauthorized());
    }
    if (!cfg.anonymous) return writeError(res, errors.unauthorized());
    req.user = anonymousUser;
    next();
  };
}
