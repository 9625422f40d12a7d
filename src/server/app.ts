// Assembles the Express app: the filter chain in upstream's order, then the non-resource
// routes, then the resource routes. Knows nothing about listeners or process lifecycle.
import express, { type Express, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import helmet from 'helmet';
import type { Catalog } from '../api/catalog.js';
import { errors } from '../api/errors.js';
import { type DiscoveryAggregation, discoveryRouter } from '../endpoints/discovery.js';
import type { OpenAPIExtra } from '../api/openapi-documents.js';
import { openapiRouter } from '../endpoints/openapi.js';
import { resourceHandler } from '../endpoints/resources.js';
import { writeError } from '../endpoints/status-writer.js';
import { responseCompressionSetting } from '../endpoints/compression.js';
import type { Auditor } from '../audit/auditor.js';
import { auditFilter, auditPanic, failedAuthenticationAudit } from '../filters/audit.js';
import { auditIDFilter } from '../filters/audit-id.js';
import { authenticationFilter } from '../filters/authentication.js';
import { impersonationFilter } from '../filters/impersonation.js';
import type { Authentication } from '../authn/setup.js';
import type { ObjectGetter } from '../authn/object-getter.js';
import { authenticationResources } from '../endpoints/authentication-resources.js';
import { issuerDiscoveryRouter } from '../endpoints/service-account-issuer-discovery.js';
import { authorizationFilter } from '../filters/authorization.js';
import { warningsFilter } from '../filters/warnings.js';
import { accessReviewHandlers } from '../endpoints/access-reviews.js';
import { componentStatusHandlers, type ComponentServer } from '../endpoints/component-statuses.js';
import type { Authorization } from '../authz/union.js';
import { cacheControlFilter } from '../filters/cache-control.js';
import { httpLoggingFilter } from '../filters/http-logging.js';
import { httpVersionFilter } from '../filters/http-version.js';
import type { MaxInFlight } from '../filters/max-in-flight.js';
import { metricsFilter } from '../filters/metrics.js';
import { requestInfoFilter } from '../filters/request-info.js';
import { timeoutFilter } from '../filters/timeout.js';
import { metricsContentType, metricsText } from '../observability/metrics.js';
import { healthRouter, type HealthChecks } from './healthz.js';
import type { Stores } from './stores.js';
import { versionHandler } from './version.js';
import { podSubresourceHandlers } from '../endpoints/handlers/pod-binding.js';
import type { KubeletClient } from '../kubelet/client.js';
import { kubeletHandlers } from '../endpoints/handlers/kubelet-handlers.js';

export interface AppDeps {
  catalog: Catalog;
  /** OpenAPI the CRDs publish, merged into /openapi/v2 and /openapi/v3. */
  openapi?: OpenAPIExtra;
  stores: Stores;
  health: HealthChecks;
  maxInFlight: MaxInFlight;
  /** API Priority and Fairness (filters/priority-and-fairness.ts); in place of maxInFlight when set. */
  priorityAndFairness?: RequestHandler;
  /** The authenticators (authn/setup.ts) and how they read the objects credentials refer to. */
  authentication: Authentication;
  getObject: ObjectGetter;
  requestTimeoutSeconds: number;
  minRequestTimeoutSeconds: number;
  /** host:port advertised in /api's serverAddressByClientCIDRs; the request's own address when unset. */
  serverAddress?: string;
  /** --strict-transport-security-directives; empty means no HSTS header, as upstream. */
  hstsDirectives: string[];
  /** The NodeRestriction admission plugin is enabled (it also limits kubelets' TokenRequests). */
  nodeRestriction?: boolean;
  /** The authorizer chain (--authorization-mode). */
  authorization: Authorization;
  /** Auditing (--audit-policy-file plus a backend); absent means off. */
  auditor?: Auditor;
  /** The aggregation layer (src/aggregator): its proxy runs after authorization, its view merges into discovery. */
  aggregator?: { proxy: RequestHandler; discovery: DiscoveryAggregation };
  /** How pods/log, exec, attach and portforward reach kubelets; those subresources are not served without it. */
  kubelet?: KubeletClient;
  /** --feature-gates APIResponseCompression (default on): large non-watch answers gzipped when asked. */
  responseCompression?: boolean;
  /** What componentstatuses probes; absent serves none. */
  componentServers?: () => ComponentServer[];
}

function panicRecovery(err: unknown, _req: Request, res: Response, _next: NextFunction): void {
  writeError(res, err);
}

export function buildApp(deps: AppDeps): Express {
  const app = express();
  app.use(httpVersionFilter);
  app.disable('x-powered-by');
  app.disable('etag');
  app.set('query parser', 'simple');
  app.set(responseCompressionSetting, deps.responseCompression ?? true);
  // helmet's defaults aimed at browsers (CSP, COEP, frame rules) are harmless to API clients;
  // HSTS follows the upstream flag instead of helmet's default.
  app.use(helmet({ strictTransportSecurity: false, contentSecurityPolicy: false, crossOriginEmbedderPolicy: false }));
  if (deps.hstsDirectives.length > 0) {
    const value = deps.hstsDirectives.join('; ');
    app.use((_req, res, next) => { res.setHeader('Strict-Transport-Security', value); next(); });
  }

  app.use(auditIDFilter);
  app.use(requestInfoFilter);
  app.use(httpLoggingFilter);
  app.use(metricsFilter());
  app.use(cacheControlFilter);
  app.use(timeoutFilter({ requestTimeoutSeconds: deps.requestTimeoutSeconds }));
  if (deps.auditor) app.use(failedAuthenticationAudit(deps.auditor));
  app.use(authenticationFilter(deps.authentication));
  if (deps.auditor) app.use(auditFilter(deps.auditor));
  app.use(impersonationFilter(deps.authorization.authorize));
  app.use(deps.priorityAndFairness ?? deps.maxInFlight.filter);
  app.use(authorizationFilter(deps.authorization));
  app.use(warningsFilter);
  if (deps.aggregator) app.use(deps.aggregator.proxy);

  app.use(healthRouter(deps.health));
  app.get('/version', versionHandler);
  app.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', metricsContentType);
    res.end(await metricsText());
  });
  if (deps.authentication.discovery) app.use(issuerDiscoveryRouter(deps.authentication.discovery));
  app.use(discoveryRouter(deps.catalog, { ...(deps.serverAddress ? { serverAddress: deps.serverAddress } : {}), ...(deps.aggregator ? { aggregation: deps.aggregator.discovery } : {}) }));
  app.use(openapiRouter(deps.openapi));
  app.use(resourceHandler({
    catalog: deps.catalog,
    storeFor: info => deps.stores.storeFor(info),
    minRequestTimeoutSeconds: deps.minRequestTimeoutSeconds,
    virtual: { ...accessReviewHandlers(deps.authorization), ...authenticationResources(deps.authentication, deps.getObject, deps.nodeRestriction ?? false), ...podSubresourceHandlers(deps.stores), ...(deps.kubelet ? kubeletHandlers(deps.stores, deps.kubelet) : {}), ...componentStatusHandlers(deps.componentServers ?? (() => [])) },
  }));
  app.use((_req: Request, res: Response) => writeError(res, errors.notFoundPath()));
  if (deps.auditor) app.use(auditPanic);
  app.use(panicRecovery);
  return app;
}
