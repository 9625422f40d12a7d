// --admission-control-config-file: upstream's AdmissionConfiguration (apiserver.config.k8s.io/v1,
// also v1alpha1 and apiserver.k8s.io/v1alpha1): plugins[] with a name and either an inline
// configuration or a path to a file holding it (relative to this file). A plugin's settings are
// handed over decoded (YAML or JSON), for the plugin to check its own kind.
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse } from 'yaml';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const VERSIONS = ['apiserver.config.k8s.io/v1', 'apiserver.config.k8s.io/v1alpha1', 'apiserver.k8s.io/v1alpha1'];

export interface AdmissionPluginConfig {
  name: string;
  /** Absolute once read. */
  path?: string;
  configuration?: unknown;
}

export interface AdmissionConfigProvider {
  plugins: AdmissionPluginConfig[];
  /** The plugin's decoded configuration; undefined when the file names none for it. */
  configFor(plugin: string): Promise<unknown>;
}

/** Go's error text for a file that cannot be read. */
function readError(path: string, e: unknown): string {
  const code = (e as { code?: string }).code;
  if (code === 'ENOENT') return `open ${path}: no such file or directory`;
  if (code === 'EACCES') return `open ${path}: permission denied`;
  return e instanceof Error ? e.message : String(e);
}

function parseDocument(text: string, what: string): unknown {
  try {
    return parse(text);
  } catch (e) {
    throw new Error(`${what}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Parses an AdmissionConfiguration document; relative plugin paths resolve against baseDir. */
export function parseAdmissionConfiguration(text: string, baseDir: string): AdmissionPluginConfig[] {
  const doc = parseDocument(text, 'error decoding admission control configuration');
  if (!isObj(doc) || typeof doc['kind'] !== 'string' || doc['kind'] === '') throw new Error(`Object 'Kind' is missing in '${text.trim()}'`);
  const gv = typeof doc['apiVersion'] === 'string' ? doc['apiVersion'] : '';
  if (doc['kind'] !== 'AdmissionConfiguration' || !VERSIONS.includes(gv)) {
    throw new Error(`no kind "${String(doc['kind'])}" is registered for version "${gv}" in scheme "pkg/runtime/scheme.go:100"`);
  }
  for (const k of Object.keys(doc)) if (!['apiVersion', 'kind', 'plugins'].includes(k)) throw new Error(`strict decoding error: unknown field "${k}"`);
  const plugins = doc['plugins'] ?? [];
  if (!Array.isArray(plugins)) throw new Error('json: cannot unmarshal into Go struct field AdmissionConfiguration.plugins of type []v1.AdmissionPluginConfiguration');
  return plugins.map((p, i) => {
    if (!isObj(p)) throw new Error(`json: cannot unmarshal into Go struct field AdmissionConfiguration.plugins of type v1.AdmissionPluginConfiguration`);
    for (const k of Object.keys(p)) if (!['name', 'path', 'configuration'].includes(k)) throw new Error(`strict decoding error: unknown field "plugins[${i}].${k}"`);
    const path = typeof p['path'] === 'string' && p['path'] !== '' ? p['path'] : undefined;
    return {
      name: typeof p['name'] === 'string' ? p['name'] : '',
      ...(path ? { path: isAbsolute(path) ? path : resolve(baseDir, path) } : {}),
      ...(p['configuration'] !== undefined && p['configuration'] !== null ? { configuration: p['configuration'] } : {}),
    };
  });
}

/** ReadAdmissionConfiguration: an empty path configures no plugin. */
export async function readAdmissionConfiguration(file: string): Promise<AdmissionConfigProvider> {
  let plugins: AdmissionPluginConfig[] = [];
  if (file !== '') {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      throw new Error(`unable to read admission control configuration from ${JSON.stringify(file)} [${readError(file, e)}]`);
    }
    plugins = parseAdmissionConfiguration(text, dirname(file));
  }
  return {
    plugins,
    async configFor(name) {
      const entry = plugins.find(p => p.name === name);
      if (!entry) return undefined;
      // An inline configuration wins over a path.
      if (entry.configuration !== undefined) return entry.configuration;
      if (!entry.path) return undefined;
      let text: string;
      try {
        text = await readFile(entry.path, 'utf8');
      } catch (e) {
        throw new Error(`Couldn't open admission plugin configuration ${entry.path}: ${readError(entry.path, e)}`);
      }
      return parseDocument(text, `error decoding configuration of admission plugin ${JSON.stringify(name)}`);
    },
  };
}
