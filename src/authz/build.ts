// Builds the authorizer chain for --authorization-mode, with the informers RBAC and Node read
// from, and the bootstrap policy reconciliation and ClusterRole aggregation that go with RBAC.
import { log } from '../observability/logger.js';
import { Informer } from '../registry/informer.js';
import type { Store } from '../registry/store.js';
import { ClusterRoleAggregator } from './aggregation.js';
import { alwaysAllow } from './always-allow.js';
import { alwaysDeny } from './always-deny.js';
import { nodeRules } from './bootstrap-policy.js';
import { NodeAuthorizer } from './node.js';
import { NodeGraph } from './node-graph.js';
import { RbacAuthorizer } from './rbac.js';
import { RbacIndex, type RbacStores } from './rbac-index.js';
import { reconcileBootstrapPolicy } from './reconcile.js';
import type { Authorizer } from './types.js';
import { Authorization } from './union.js';

export interface AuthorizationStores extends RbacStores {
  pods: Store;
  persistentVolumeClaims: Store;
}

export interface AuthorizationSetup {
  authorization: Authorization;
  /** Present when RBAC is a mode: the rule resolver the escalation check uses. */
  rbac?: RbacAuthorizer;
  /** Starts informers; with RBAC, reconciles the bootstrap policy (retrying) before resolving. */
  start(): Promise<void>;
  stop(): void;
}

export function buildAuthorization(modes: readonly string[], stores: AuthorizationStores): AuthorizationSetup {
  const chain: Authorizer[] = [];
  let index: RbacIndex | undefined;
  let rbac: RbacAuthorizer | undefined;
  let graph: NodeGraph | undefined;
  let aggregator: ClusterRoleAggregator | undefined;
  let stopped = false;
  for (const mode of modes) {
    switch (mode) {
      case 'AlwaysAllow': chain.push(alwaysAllow); break;
      case 'AlwaysDeny': chain.push(alwaysDeny); break;
      case 'RBAC': {
        index = new RbacIndex(stores);
        rbac = new RbacAuthorizer(index);
        aggregator = new ClusterRoleAggregator(index.clusterRoles, stores.clusterRoles);
        chain.push(rbac);
        break;
      }
      case 'Node': {
        graph = new NodeGraph(new Informer(stores.pods), new Informer(stores.persistentVolumeClaims));
        chain.push(new NodeAuthorizer(graph, nodeRules));
        break;
      }
      default:
        // ABAC and Webhook are rejected by option validation before we get here.
        throw new Error(`authorization mode ${JSON.stringify(mode)} is not supported`);
    }
  }
  return {
    authorization: new Authorization(chain),
    ...(rbac ? { rbac } : {}),
    async start() {
      await Promise.all([index?.start(), graph?.start()]);
      if (!index) return;
      for (let attempt = 1; !stopped; attempt++) {
        try {
          await reconcileBootstrapPolicy(stores, index);
          await aggregator?.syncAll();
          return;
        } catch (e) {
          // The system namespaces may not exist yet on a fresh cluster; try again shortly.
          log.v(attempt > 5 ? 0 : 2).info('reconciling bootstrap RBAC policy failed, retrying', { attempt, err: e instanceof Error ? e.message : String(e) });
          await new Promise(r => setTimeout(r, Math.min(5000, 200 * attempt)));
        }
      }
    },
    stop() {
      stopped = true;
      index?.stop();
      graph?.stop();
    },
  };
}
