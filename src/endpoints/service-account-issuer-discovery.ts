// OIDC discovery for service-account tokens: /.well-known/openid-configuration and
// /openid/v1/jwks, as upstream's routes.OpenIDMetadataServer.
import { Router, type Response } from 'express';
import type { IssuerDiscovery } from '../authn/setup.js';
import { algorithmFor, jwksOf } from '../authn/service-account-keys.js';

export function issuerDiscoveryRouter(d: IssuerDiscovery): Router {
  const configuration = JSON.stringify({
    issuer: d.issuer,
    jwks_uri: d.jwksUri,
    response_types_supported: ['id_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [...new Set(d.keys.map(algorithmFor))].sort(),
  });
  const jwks = JSON.stringify(jwksOf(d.keys));
  const send = (res: Response, type: string, body: string) => {
    res.status(200).setHeader('Content-Type', type);
    res.setHeader('Cache-Control', 'public, max-age=3600');
    res.end(body);
  };
  const router = Router();
  router.get('/.well-known/openid-configuration', (_req, res) => send(res, 'application/json', configuration));
  router.get('/openid/v1/jwks', (_req, res) => send(res, 'application/jwk-set+json', jwks));
  return router;
}
