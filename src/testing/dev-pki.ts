// Writes a kubeadm-like PKI tree for local development and tests (hack/dev-pki.ts is its command).
// Existing files are kept, so running it twice changes nothing.
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { createCA, generateServiceAccountKeyPair, issueCert, type CertKeyPair } from '../server/pki.js';

export interface DevPkiOptions {
  /** The server URL written into admin.conf. */
  serverUrl?: string;
}

/** Paths of what writeDevPki produced (or found), relative names as kubeadm uses them. */
export interface DevPkiPaths {
  dir: string;
  caCert: string;
  caKey: string;
  apiserverCert: string;
  apiserverKey: string;
  etcdClientCert: string;
  etcdClientKey: string;
  etcdCaCert: string;
  etcdCaKey: string;
  etcdServerCert: string;
  etcdServerKey: string;
  frontProxyCaCert: string;
  frontProxyCaKey: string;
  frontProxyClientCert: string;
  frontProxyClientKey: string;
  saKey: string;
  saPub: string;
  adminConf: string;
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

/** Reads <base>.crt/.key if both exist, otherwise makes and writes them. */
async function ensurePair(dir: string, base: string, make: () => Promise<CertKeyPair>): Promise<CertKeyPair> {
  const certFile = join(dir, `${base}.crt`);
  const keyFile = join(dir, `${base}.key`);
  if ((await exists(certFile)) && (await exists(keyFile))) {
    return { certPem: await readFile(certFile, 'utf8'), keyPem: await readFile(keyFile, 'utf8') };
  }
  const pair = await make();
  await mkdir(dirname(certFile), { recursive: true });
  await writeFile(certFile, pair.certPem, { mode: 0o644 });
  await writeFile(keyFile, pair.keyPem, { mode: 0o600 });
  return pair;
}

function b64(s: string): string {
  return Buffer.from(s).toString('base64');
}

function adminKubeconfig(serverUrl: string, ca: CertKeyPair, admin: CertKeyPair): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'kubernetes', cluster: { server: serverUrl, 'certificate-authority-data': b64(ca.certPem) } }],
    contexts: [{ name: 'kubernetes-admin@kubernetes', context: { cluster: 'kubernetes', user: 'kubernetes-admin' } }],
    'current-context': 'kubernetes-admin@kubernetes',
    preferences: {},
    users: [
      {
        name: 'kubernetes-admin',
        user: { 'client-certificate-data': b64(admin.certPem), 'client-key-data': b64(admin.keyPem) },
      },
    ],
  });
}

export async function writeDevPki(dir: string, opts: DevPkiOptions = {}): Promise<DevPkiPaths> {
  const root = resolve(dir);
  const serverUrl = opts.serverUrl ?? 'https://127.0.0.1:6443';
  const host = hostname().toLowerCase();
  await mkdir(join(root, 'etcd'), { recursive: true });

  const ca = await ensurePair(root, 'ca', () => createCA('kubernetes'));
  await ensurePair(root, 'apiserver', () =>
    issueCert({
      ca,
      commonName: 'kube-apiserver',
      usage: 'server',
      dnsNames: [
        'localhost',
        'kubernetes',
        'kubernetes.default',
        'kubernetes.default.svc',
        'kubernetes.default.svc.cluster.local',
        host,
      ],
      ipAddresses: ['127.0.0.1', '::1', '10.96.0.1'],
    }),
  );

  const etcdCa = await ensurePair(root, 'etcd/ca', () => createCA('etcd-ca'));
  await ensurePair(root, 'etcd/server', () =>
    issueCert({
      ca: etcdCa,
      commonName: host,
      usage: 'both',
      dnsNames: ['localhost', host],
      ipAddresses: ['127.0.0.1', '::1'],
    }),
  );
  await ensurePair(root, 'apiserver-etcd-client', () =>
    issueCert({ ca: etcdCa, commonName: 'kube-apiserver-etcd-client', usage: 'client' }),
  );

  const frontProxyCa = await ensurePair(root, 'front-proxy-ca', () => createCA('front-proxy-ca'));
  await ensurePair(root, 'front-proxy-client', () =>
    issueCert({ ca: frontProxyCa, commonName: 'front-proxy-client', usage: 'client' }),
  );

  const saKey = join(root, 'sa.key');
  const saPub = join(root, 'sa.pub');
  if (!((await exists(saKey)) && (await exists(saPub)))) {
    const sa = await generateServiceAccountKeyPair();
    await writeFile(saKey, sa.privateKeyPem, { mode: 0o600 });
    await writeFile(saPub, sa.publicKeyPem, { mode: 0o644 });
  }

  const adminConf = join(root, 'admin.conf');
  if (!(await exists(adminConf))) {
    const admin = await issueCert({
      ca,
      commonName: 'kubernetes-admin',
      organizations: ['system:masters'],
      usage: 'client',
    });
    await writeFile(adminConf, adminKubeconfig(serverUrl, ca, admin), { mode: 0o600 });
  }

  const p = (name: string) => join(root, name);
  return {
    dir: root,
    caCert: p('ca.crt'),
    caKey: p('ca.key'),
    apiserverCert: p('apiserver.crt'),
    apiserverKey: p('apiserver.key'),
    etcdClientCert: p('apiserver-etcd-client.crt'),
    etcdClientKey: p('apiserver-etcd-client.key'),
    etcdCaCert: p('etcd/ca.crt'),
    etcdCaKey: p('etcd/ca.key'),
    etcdServerCert: p('etcd/server.crt'),
    etcdServerKey: p('etcd/server.key'),
    frontProxyCaCert: p('front-proxy-ca.crt'),
    frontProxyCaKey: p('front-proxy-ca.key'),
    frontProxyClientCert: p('front-proxy-client.crt'),
    frontProxyClientKey: p('front-proxy-client.key'),
    saKey,
    saPub,
    adminConf,
  };
}
