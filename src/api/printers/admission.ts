// Table rows of admissionregistration.k8s.io resources.
import type { Obj } from './read.js';
import { arr, count, obj, optObj, str } from './read.js';
import type { Cells, PrinterTable } from './types.js';

/** "apiVersion/kind" of the policy's parameters, or "<unset>". */
function paramKind(spec: Obj): string {
  const p = optObj(spec.paramKind);
  return p ? `${str(p.apiVersion)}/${str(p.kind)}` : '<unset>';
}

/** The gogo-protobuf String() of a metav1.LabelSelector, which upstream prints here as is. */
function protoLabelSelectorString(s: Obj): string {
  const labels = obj(s.matchLabels);
  const keys = Object.keys(labels).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const matchLabels = keys.map(k => `${k}: ${str(labels[k])},`).join('');
  const expressions = arr(s.matchExpressions).map(e => {
    const x = obj(e);
    return `LabelSelectorRequirement{Key:${str(x.key)},Operator:${str(x.operator)},Values:[${arr(x.values).map(str).join(' ')}],},`;
  }).join('');
  return `&LabelSelector{MatchLabels:map[string]string{${matchLabels}},MatchExpressions:[]LabelSelectorRequirement{${expressions}},}`;
}

function paramRef(spec: Obj): string {
  const ref = optObj(spec.paramRef);
  if (!ref) return '<unset>';
  if (str(ref.name)) return str(ref.namespace) ? `${str(ref.namespace)}/${str(ref.name)}` : `*/${str(ref.name)}`;
  const selector = optObj(ref.selector);
  return selector ? protoLabelSelectorString(selector) : '<unset>';
}

const webhooks = (o: Obj): Cells => ({ Webhooks: count(o.webhooks) });
const binding = (o: Obj): Cells => ({ PolicyName: str(obj(o.spec).policyName), ParamRef: paramRef(obj(o.spec)) });

export const admissionPrinters: PrinterTable = {
  'mutatingwebhookconfigurations.admissionregistration.k8s.io': { cells: webhooks },
  'validatingwebhookconfigurations.admissionregistration.k8s.io': { cells: webhooks },
  'validatingadmissionpolicies.admissionregistration.k8s.io': {
    cells: o => ({ Validations: count(obj(o.spec).validations), ParamKind: paramKind(obj(o.spec)) }),
  },
  'validatingadmissionpolicybindings.admissionregistration.k8s.io': { cells: binding },
  'mutatingadmissionpolicies.admissionregistration.k8s.io': {
    cells: o => ({ Mutations: count(obj(o.spec).mutations), ParamKind: paramKind(obj(o.spec)) }),
  },
  'mutatingadmissionpolicybindings.admissionregistration.k8s.io': { cells: binding },
};
