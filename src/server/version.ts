// /version: the Kubernetes version we serve, with our project's name and version as the
// build metadata. kubectl's dispatcher picks the kubectl matching `minor`.
import { readFileSync } from 'node:fs';
import type { Request, Response } from 'express';

const kubeVersion = { major: '1', minor: '32', patch: '4' };

function projectVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

const goArch: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x' };

export function versionInfo(): Record<string, string> {
  return {
    major: kubeVersion.major,
    minor: kubeVersion.minor,
    gitVersion: `v${kubeVersion.major}.${kubeVersion.minor}.${kubeVersion.patch}+kube-apiserver-ts.${projectVersion()}`,
    gitCommit: process.env['KUBE_APISERVER_TS_COMMIT'] ?? 'unknown',
    gitTreeState: 'clean',
    buildDate: process.env['KUBE_APISERVER_TS_BUILD_DATE'] ?? '1970-01-01T00:00:00Z',
    goVersion: `node${process.versions.node}`,
    compiler: 'tsc',
    platform: `${process.platform}/${goArch[process.arch] ?? process.arch}`,
  };
}

export function versionHandler(_req: Request, res: Response): void {
  res.status(200).type('application/json').send(JSON.stringify(versionInfo(), null, 2));
}
