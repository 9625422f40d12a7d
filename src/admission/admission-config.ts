// --admission-control-config-file (apiserver/pkg/admission/config.go): an AdmissionConfiguration
// (apiserver.config.k8s.io/v1, or the older apiserver.k8s.io/v1alpha1) naming each plugin's
// settings, embedded under `configuration` or in a file at `path` (relative to the config file).
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { parse } from 'yaml';

const VERSIONS = ['apiserver.config.k8s.io/v1', 'apiserver.k8s.io/v1alpha1'];

interface PluginEntry { name?: unknown; path?: unknown; configuration?: unknown }

export type PluginConfigs = ReadonlyMap<string, unknown>;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Every plugin's settings, already parsed (YAML or JSON), by plugin name; the first entry for a
 * name wins, as upstream's lookup does. No file: no settings.
 */
export async function readAdmissionConfig(file: string | undefined): Promise<PluginConfigs> {
  const out = new Map<string, unknown>();
  if (!file) return out;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new Error(`unable to read admission control configuration from "${file}" [${e instanceof Error ? e.message : String(e)}]`);
  }
  const doc: unknown = parse(text);
  if (!isRecord(doc) || doc['kind'] !== 'AdmissionConfiguration' || !VERSIONS.includes(String(doc['apiVersion']))) {
    throw new Error(`no kind "${isRecord(doc) ? String(doc['kind'] ?? '') : ''}" is registered for version "${isRecord(doc) ? String(doc['apiVersion'] ?? '') : ''}" in file "${file}"`);
  }
  const plugins = Array.isArray(doc['plugins']) ? (doc['plugins'] as PluginEntry[]) : [];
  for (const p of plugins) {
    const name = typeof p?.name === 'string' ? p.name : '';
    if (out.has(name)) continue;
    if (p.configuration !== undefined && p.configuration !== null) {
      out.set(name, p.configuration);
    } else if (typeof p.path === 'string' && p.path !== '') {
      const at = isAbsolute(p.path) ? p.path : join(dirname(file), p.path);
      out.set(name, parse(await readFile(at, 'utf8')));
    }
  }
  return out;
}
