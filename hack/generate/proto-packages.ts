// The protobuf packages the server's wire codec covers: every served built-in group version, the
// apimachinery types they use, and aggregated discovery. Shared by the generator (hack/generate/
// proto.ts) and the extractor of upstream facts (hack/generate/proto-extract.ts).

export interface ProtoPackage {
  /** The proto package, e.g. 'k8s.io.api.core.v1'. */
  proto: string;
  /** Its directory in a checkout of the staging repositories, e.g. 'api/core/v1'. */
  dir: string;
}

const apiGroups = [
  'core/v1', 'admissionregistration/v1', 'apidiscovery/v2', 'apps/v1', 'authentication/v1', 'authorization/v1',
  'autoscaling/v1', 'autoscaling/v2', 'batch/v1', 'certificates/v1', 'coordination/v1', 'discovery/v1',
  'events/v1', 'flowcontrol/v1', 'networking/v1', 'node/v1', 'policy/v1', 'rbac/v1', 'scheduling/v1', 'storage/v1',
];

export const protoPackages: ProtoPackage[] = [
  { proto: 'k8s.io.apimachinery.pkg.apis.meta.v1', dir: 'apimachinery/pkg/apis/meta/v1' },
  { proto: 'k8s.io.apimachinery.pkg.runtime', dir: 'apimachinery/pkg/runtime' },
  { proto: 'k8s.io.apimachinery.pkg.api.resource', dir: 'apimachinery/pkg/api/resource' },
  { proto: 'k8s.io.apimachinery.pkg.util.intstr', dir: 'apimachinery/pkg/util/intstr' },
  ...apiGroups.map(gv => ({ proto: `k8s.io.api.${gv.replace('/', '.')}`, dir: `api/${gv}` })),
  { proto: 'k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1', dir: 'apiextensions-apiserver/pkg/apis/apiextensions/v1' },
  { proto: 'k8s.io.kube_aggregator.pkg.apis.apiregistration.v1', dir: 'kube-aggregator/pkg/apis/apiregistration/v1' },
];

/** The package of a fully qualified message name. */
export function packageOf(message: string): string {
  return message.slice(0, message.lastIndexOf('.'));
}
