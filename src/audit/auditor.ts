// Builds auditing from its configuration (upstream's AuditOptions.ApplyTo): the policy plus the
// log and webhook backends, each wrapped for its mode. Auditing is on only with a policy file
// and at least one backend, as upstream.
import { log } from '../observability/logger.js';
import { ignoreErrors, unionBackend, type AuditBackend, type AuditMode } from './backend.js';
import { BufferedBackend, type BatchConfig } from './buffered-backend.js';
import type { AuditEvent } from './event.js';
import { LogBackend, type LogBackendConfig } from './log-backend.js';
import { evaluatePolicy, loadPolicyFile, type AuditPolicy, type PolicyAttributes, type RequestAuditConfig } from './policy.js';
import { readWebhookKubeconfig, WebhookBackend } from './webhook-backend.js';

export type BatchOptions = Omit<BatchConfig, 'asyncDelegate'>;

export interface AuditConfig {
  /** --audit-policy-file; '' leaves auditing off. */
  policyFile: string;
  log?: LogBackendConfig & { mode: AuditMode; batch: BatchOptions };
  webhook?: { configFile: string; initialBackoffMs: number; mode: AuditMode; batch: BatchOptions };
}

export interface Auditor {
  evaluate(attrs: PolicyAttributes): RequestAuditConfig;
  /** False when a blocking-strict backend lost the event. */
  process(ev: AuditEvent): Promise<boolean>;
  shutdown(): Promise<void>;
}

function withMode(b: AuditBackend, mode: AuditMode, batch: BatchOptions, asyncDelegate: boolean): AuditBackend {
  if (mode === 'blocking-strict') return b;
  if (mode === 'blocking') return ignoreErrors(b);
  return new BufferedBackend(b, { ...batch, asyncDelegate });
}

export function newAuditor(policy: AuditPolicy, backend: AuditBackend): Auditor {
  return {
    evaluate: attrs => evaluatePolicy(policy, attrs),
    process: ev => backend.processEvents([ev]),
    shutdown: () => backend.shutdown(),
  };
}

/** The auditor for this configuration, or undefined when auditing is off. */
export async function createAuditor(cfg: AuditConfig): Promise<Auditor | undefined> {
  const policy = cfg.policyFile === '' ? undefined : await loadPolicyFile(cfg.policyFile).catch((e: unknown) => {
    throw new Error(`loading audit policy file: ${e instanceof Error ? e.message : String(e)}`);
  });
  const backends: AuditBackend[] = [];
  if (cfg.log) backends.push(withMode(new LogBackend(cfg.log), cfg.log.mode, cfg.log.batch, false));
  if (cfg.webhook) {
    const w = cfg.webhook;
    const target = readWebhookKubeconfig(w.configFile);
    backends.push(withMode(new WebhookBackend({ target, initialBackoffMs: w.initialBackoffMs }), w.mode, w.batch, true));
  }
  if (!policy || backends.length === 0) {
    if (policy || backends.length > 0) log.v(2).info(policy ? 'No audit backends configured, no events will be recorded' : 'No audit policy file provided, no events will be recorded');
    await Promise.all(backends.map(b => b.shutdown()));
    return undefined;
  }
  return newAuditor(policy, unionBackend(backends));
}
