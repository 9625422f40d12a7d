// Reads manifests/kube-apiserver.yaml and turns its container args into a command line for a
// local test: every path under a hostPath mount is moved under a fake node root directory.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const repoRoot = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

export interface HttpGetProbe {
  httpGet: { path: string; port: number; scheme: string; host?: string };
  initialDelaySeconds?: number;
  periodSeconds?: number;
  timeoutSeconds?: number;
  failureThreshold?: number;
}

export interface StaticPod {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; labels?: Record<string, string> };
  spec: {
    hostNetwork?: boolean;
    priorityClassName?: string;
    containers: {
      name: string;
      image: string;
      args: string[];
      livenessProbe: HttpGetProbe;
      readinessProbe: HttpGetProbe;
      startupProbe: HttpGetProbe;
      resources?: { requests?: Record<string, string> };
      volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[];
    }[];
    volumes: { name: string; hostPath?: { path: string; type?: string } }[];
  };
}

export function readStaticPod(): StaticPod {
  return parse(readFileSync(join(repoRoot, 'manifests/kube-apiserver.yaml'), 'utf8')) as StaticPod;
}

/** `--name=value` pairs of the container's args, in order. */
export function flagPairs(args: readonly string[]): [string, string][] {
  return args.map(a => {
    const m = /^--([^=]+)=(.*)$/.exec(a);
    if (!m) throw new Error(`static Pod arg is not --name=value: ${a}`);
    return [m[1]!, m[2]!];
  });
}

/**
 * The container's args with paths under each volumeMount rewritten to `<nodeRoot><hostPath>`,
 * and `overrides` (flag name -> value) replacing or adding flags.
 */
export function localArgs(pod: StaticPod, nodeRoot: string, overrides: Record<string, string>): string[] {
  const c = pod.spec.containers[0]!;
  const hostPathOf = new Map(pod.spec.volumes.map(v => [v.name, v.hostPath?.path]));
  const mounts = c.volumeMounts.map(m => ({ mountPath: m.mountPath, hostPath: hostPathOf.get(m.name) }));
  const mapPath = (value: string): string => {
    for (const m of mounts) {
      if (m.hostPath && (value === m.mountPath || value.startsWith(`${m.mountPath}/`))) {
        return join(nodeRoot, m.hostPath, value.slice(m.mountPath.length));
      }
    }
    return value;
  };
  const seen = new Set<string>();
  const out = flagPairs(c.args).map(([name, value]) => {
    seen.add(name);
    return `--${name}=${overrides[name] ?? mapPath(value)}`;
  });
  for (const [name, value] of Object.entries(overrides)) if (!seen.has(name)) out.push(`--${name}=${value}`);
  return out;
}
