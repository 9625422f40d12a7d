// The status a CRD should have, as upstream's NamingConditionController, EstablishingController
// and KubernetesAPIApprovalPolicyConformantConditionController compute it: accepted names
// (a name another CRD of the group already accepted is refused), NamesAccepted, Established,
// the API approval condition for protected groups, and NonStructuralSchema for CRDs stored with
// non-structural schemas. Pure: the controller writes the result.
import { nonStructuralCondition } from './non-structural.js';
import type { CustomResourceDefinition, CustomResourceDefinitionCondition, CustomResourceDefinitionNames } from './types.js';

type Status = NonNullable<CustomResourceDefinition['status']>;

const nowTimestamp = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

export function findCondition(crd: CustomResourceDefinition, type: string): CustomResourceDefinitionCondition | undefined {
  return (crd.status?.conditions ?? []).find(c => c.type === type);
}

/** upstream's SetCRDCondition: replaces the condition of that type, keeping its transition time when the status did not change. */
export function setCondition(conditions: CustomResourceDefinitionCondition[], next: CustomResourceDefinitionCondition): CustomResourceDefinitionCondition[] {
  const i = conditions.findIndex(c => c.type === next.type);
  const old = i >= 0 ? conditions[i] : undefined;
  const merged = { ...next, lastTransitionTime: old && old.status === next.status && old.lastTransitionTime ? old.lastTransitionTime : nowTimestamp() };
  if (old && old.status === next.status && old.reason === next.reason && old.message === next.message) return conditions;
  const out = [...conditions];
  if (i >= 0) out[i] = merged;
  else out.push(merged);
  return out;
}

function usedNames(group: string, others: CustomResourceDefinition[]): { resources: Set<string>; kinds: Set<string> } {
  const resources = new Set<string>();
  const kinds = new Set<string>();
  for (const o of others) {
    if (o.spec.group !== group) continue;
    const a = o.status?.acceptedNames;
    if (!a) continue;
    for (const n of [a.plural, a.singular ?? '', ...(a.shortNames ?? [])]) resources.add(n);
    kinds.add(a.kind);
    kinds.add(a.listKind ?? '');
  }
  return { resources, kinds };
}

/** equalToAcceptedOrFresh: the name is ours already, or nobody else has it. */
function conflict(requested: string, accepted: string, used: Set<string>): string | undefined {
  if (requested === accepted || !used.has(requested)) return undefined;
  return `${JSON.stringify(requested)} is already in use`;
}

const sameList = (a: readonly string[] | undefined, b: readonly string[] | undefined) => JSON.stringify(a ?? []) === JSON.stringify(b ?? []);

function sameNames(a: CustomResourceDefinitionNames, b: CustomResourceDefinitionNames | undefined): boolean {
  if (!b) return false;
  return a.plural === b.plural && (a.singular ?? '') === (b.singular ?? '') && a.kind === b.kind && (a.listKind ?? '') === (b.listKind ?? '')
    && sameList(a.shortNames, b.shortNames) && sameList(a.categories, b.categories);
}

/** The names and NamesAccepted condition upstream's naming controller computes. */
function namesAndCondition(crd: CustomResourceDefinition, others: CustomResourceDefinition[]): { names: CustomResourceDefinitionNames; condition: CustomResourceDefinitionCondition } {
  const { resources, kinds } = usedNames(crd.spec.group, others);
  const requested = crd.spec.names;
  const accepted: CustomResourceDefinitionNames = crd.status?.acceptedNames ?? { plural: '', kind: '' };
  const names: CustomResourceDefinitionNames = { ...accepted };
  let failure: { reason: string; message: string } | undefined;
  const check = (reason: string, message: string | undefined, accept: () => void) => {
    if (message === undefined) accept();
    else failure = { reason, message };
  };
  check('PluralConflict', conflict(requested.plural, accepted.plural, resources), () => { names.plural = requested.plural; });
  check('SingularConflict', conflict(requested.singular ?? '', accepted.singular ?? '', resources), () => { names.singular = requested.singular ?? ''; });
  if (!sameList(requested.shortNames, accepted.shortNames)) {
    const mine = new Set(accepted.shortNames ?? []);
    const errs = (requested.shortNames ?? []).filter(s => !mine.has(s)).map(s => conflict(s, '', resources)).filter((m): m is string => m !== undefined);
    check('ShortNamesConflict', errs.length === 0 ? undefined : errs.length === 1 ? errs[0] : `[${errs.join(', ')}]`, () => { names.shortNames = requested.shortNames ?? []; });
  }
  check('KindConflict', conflict(requested.kind, accepted.kind, kinds), () => { names.kind = requested.kind; });
  check('ListKindConflict', conflict(requested.listKind ?? '', accepted.listKind ?? '', kinds), () => { names.listKind = requested.listKind ?? ''; });
  names.categories = requested.categories ?? [];
  if (names.shortNames === undefined || names.shortNames.length === 0) delete names.shortNames;
  if (names.categories.length === 0) delete names.categories;
  const condition: CustomResourceDefinitionCondition = failure
    ? { type: 'NamesAccepted', status: 'False', ...failure }
    : { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found' };
  return { names, condition };
}

const APPROVAL_ANNOTATION = 'api-approved.kubernetes.io';

/** url.ParseRequestURI with a scheme and a host. */
function isAbsoluteURL(v: string): boolean {
  try {
    return new URL(v).host !== '';
  } catch {
    return false;
  }
}

/** The API approval condition for groups under k8s.io and kubernetes.io (upstream's apiapproval controller); undefined for other groups. */
function approvalCondition(crd: CustomResourceDefinition): CustomResourceDefinitionCondition | undefined {
  const g = crd.spec.group;
  const protectedGroup = g === 'k8s.io' || g === 'kubernetes.io' || g.endsWith('.k8s.io') || g.endsWith('.kubernetes.io');
  if (!protectedGroup) return undefined;
  const type = 'KubernetesAPIApprovalPolicyConformant';
  const value = crd.metadata.annotations?.[APPROVAL_ANNOTATION];
  if (value === undefined || value === '') {
    return { type, status: 'False', reason: 'MissingAnnotation', message: `protected groups must have approval annotation ${JSON.stringify(APPROVAL_ANNOTATION)}, see https://github.com/kubernetes/enhancements/pull/1111` };
  }
  if (value.startsWith('unapproved')) {
    return { type, status: 'False', reason: 'UnapprovedAnnotation', message: `not approved: ${JSON.stringify(value)}` };
  }
  if (!isAbsoluteURL(value)) {
    return { type, status: 'False', reason: 'InvalidAnnotation', message: `protected groups must have approval annotation ${JSON.stringify(APPROVAL_ANNOTATION)} with either a URL or a reason starting with "unapproved", see https://github.com/kubernetes/enhancements/pull/1111` };
  }
  return { type, status: 'True', reason: 'ApprovedAnnotation', message: `approved in ${value}` };
}

/** The status the controllers would write, or undefined when the CRD's status is already right. */
export function desiredStatus(crd: CustomResourceDefinition, others: CustomResourceDefinition[]): Status | undefined {
  const status: Status = { ...(crd.status ?? {}) };
  let conditions = [...(status.conditions ?? [])];
  if (!sameNames(crd.spec.names, status.acceptedNames)) {
    const { names, condition } = namesAndCondition(crd, others);
    status.acceptedNames = names;
    conditions = setCondition(conditions, condition);
    const established = conditions.find(c => c.type === 'Established');
    if (!established) {
      conditions = setCondition(conditions, condition.status === 'True'
        ? { type: 'Established', status: 'False', reason: 'Installing', message: 'the initial names have been accepted' }
        : { type: 'Established', status: 'False', reason: 'NotAccepted', message: 'not all names are accepted' });
    }
  }
  const namesAccepted = conditions.find(c => c.type === 'NamesAccepted')?.status === 'True';
  if (namesAccepted && conditions.find(c => c.type === 'Established')?.status !== 'True') {
    conditions = setCondition(conditions, { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' });
  }
  const approval = approvalCondition(crd);
  if (approval) conditions = setCondition(conditions, approval);
  const nonStructural = nonStructuralCondition(crd);
  conditions = nonStructural ? setCondition(conditions, nonStructural) : conditions.filter(c => c.type !== 'NonStructuralSchema');
  status.conditions = conditions;
  const before = JSON.stringify({ c: crd.status?.conditions ?? [], n: crd.status?.acceptedNames ?? null });
  const after = JSON.stringify({ c: status.conditions, n: status.acceptedNames ?? null });
  return before === after ? undefined : status;
}
