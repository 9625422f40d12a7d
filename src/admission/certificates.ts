// Upstream's certificate admission plugins. CertificateApproval and CertificateSigning: approving
// a CSR (the approval subresource) needs the "approve" verb, and issuing its certificate (a new
// status.certificate) the "sign" verb, on certificates.k8s.io signers named after the CSR's
// signerName or its "<domain>/*". CertificateSubjectRestriction: the kube-apiserver-client signer
// may not be asked for a certificate in the system:masters group.
import { Pkcs10CertificateRequest } from '@peculiar/x509';
import { errors } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import type { AuthorizeFn } from '../authz/union.js';
import { requestUser } from '../authz/request-user.js';
import type { AdmissionPlugin } from './plugin.js';

const GROUP = 'certificates.k8s.io';
const isCSR = (group: string, resource: string) => group === GROUP && resource === 'certificatesigningrequests';

type Spec = { signerName?: string; request?: string };
const specOf = (csr: KubeObject) => (csr['spec'] ?? {}) as Spec;

function forbidden(csr: KubeObject, message: string): Error {
  const name = csr.metadata.name ?? '';
  return errors.forbidden(`certificatesigningrequests.${GROUP} ${JSON.stringify(name)} is forbidden: ${message}`, { group: GROUP, resource: 'certificatesigningrequests', name });
}

/** Whether the request's user may `verb` the signer, by its full name or its domain wildcard. */
async function mayUseSigner(authorize: AuthorizeFn, verb: string, signerName: string): Promise<boolean> {
  const user = requestUser();
  // Writes the server makes itself are not a user's.
  if (!user) return true;
  for (const name of [signerName, `${signerName.split('/')[0]}/*`]) {
    if ((await authorize(user, { verb, group: GROUP, resource: 'signers', name, isResourceRequest: true })).allowed) return true;
  }
  return false;
}

export function certificateApproval(authorize: AuthorizeFn): AdmissionPlugin {
  return {
    name: 'CertificateApproval',
    async validate(op, info, csr, _old, opts) {
      if (op !== 'update' || opts.subresource !== 'approval' || !isCSR(info.group, info.resource)) return;
      const signer = specOf(csr).signerName ?? '';
      if (!(await mayUseSigner(authorize, 'approve', signer))) throw forbidden(csr, `user not permitted to approve requests with signerName ${JSON.stringify(signer)}`);
    },
  };
}

export function certificateSigning(authorize: AuthorizeFn): AdmissionPlugin {
  return {
    name: 'CertificateSigning',
    async validate(op, info, csr, old, opts) {
      if (op !== 'update' || opts.subresource !== 'status' || !isCSR(info.group, info.resource)) return;
      const certificate = (csr['status'] as { certificate?: string } | undefined)?.certificate ?? '';
      const previous = (old?.['status'] as { certificate?: string } | undefined)?.certificate ?? '';
      if (certificate === previous) return;
      const signer = specOf(csr).signerName ?? '';
      if (!(await mayUseSigner(authorize, 'sign', signer))) throw forbidden(csr, `user not permitted to sign requests with signerName ${JSON.stringify(signer)}`);
    },
  };
}

/** The organizations of a base64 PEM CertificationRequest; [] when it does not parse (validation reports that). */
function organizationsOf(request: string): string[] {
  try {
    const pem = Buffer.from(request, 'base64').toString('utf8');
    return new Pkcs10CertificateRequest(pem).subjectName.getField('O');
  } catch {
    return [];
  }
}

export const certificateSubjectRestriction: AdmissionPlugin = {
  name: 'CertificateSubjectRestriction',
  async validate(op, info, csr, _old, opts) {
    if (op !== 'create' || opts.subresource || !isCSR(info.group, info.resource)) return;
    const spec = specOf(csr);
    if (spec.signerName !== 'kubernetes.io/kube-apiserver-client') return;
    if (organizationsOf(spec.request ?? '').includes('system:masters')) {
      throw forbidden(csr, 'use of kubernetes.io/kube-apiserver-client signer with system:masters group is not allowed');
    }
  },
};
