// Upstream's flowcontrol validation (kubernetes pkg/apis/flowcontrol/validation, 1.32, as served
// at v1 where a limited level's nominalConcurrencyShares may be zero): same field paths, reasons
// and messages.
import { each, fe, GoText, isObj, list, num, obj, objs, path, str, type Causes, type Obj } from '../api/validation/field.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../api/validation/metadata.js';
import { nameIsDNSLabel, nameIsDNSSubdomain } from '../api/validation/names.js';
import { requiredEntropyBits, MAX_HASH_BITS } from './shuffle-sharding.js';
import { EXEMPT } from './types.js';

const supportedVerbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'proxy', 'update', 'watch'];
const maxMatchingPrecedence = 10000;
const maxQueues = 10_000_000;
const nsErrIntro = "each member of this list must be '*' or a DNS-1123 label; ";
const strs = (v: unknown): string[] => list(v).map(x => str(x));

function validateVerbs(verbs: string[], field: string): Causes {
  if (verbs.length === 0) return [fe.required(field, 'verbs must contain at least one value')];
  if (verbs.includes('*')) return verbs.length > 1 ? [fe.invalid(field, verbs, "if '*' is present, must not specify other verbs")] : [];
  return verbs.every(v => supportedVerbs.includes(v)) ? [] : [fe.notSupported(field, verbs, supportedVerbs)];
}

/** ValidateNonResourceURLPath: a leading slash, no spaces or double slashes, '*' only as a "/*" suffix. */
function validateNonResourceURL(p: string, field: string): Causes {
  if (p === '') return [fe.invalid(field, p, 'must not be empty')];
  if (p === '/') return [];
  if (!p.startsWith('/')) return [fe.invalid(field, p, 'must start with slash')];
  if (p.includes(' ')) return [fe.invalid(field, p, 'must not contain white-space')];
  if (p.includes('//')) return [fe.invalid(field, p, 'must not contain double slash')];
  const wildcards = p.split('*').length - 1;
  if (wildcards > 1 || (wildcards === 1 && !p.endsWith('/*'))) return [fe.invalid(field, p, 'wildcard can only do suffix matching')];
  return [];
}

function validateResourceRule(rule: Obj, field: string): Causes {
  const out = validateVerbs(strs(rule['verbs']), path.child(field, 'verbs'));
  const groups = strs(rule['apiGroups']);
  if (groups.length === 0) out.push(fe.required(path.child(field, 'apiGroups'), 'resource rules must supply at least one api group'));
  else if (groups.length > 1 && groups.includes('*')) out.push(fe.invalid(path.child(field, 'apiGroups'), groups, "if '*' is present, must not specify other api groups"));
  const resources = strs(rule['resources']);
  if (resources.length === 0) out.push(fe.required(path.child(field, 'resources'), 'resource rules must supply at least one resource'));
  else if (resources.length > 1 && resources.includes('*')) out.push(fe.invalid(path.child(field, 'resources'), resources, "if '*' is present, must not specify other resources"));
  const namespaces = strs(rule['namespaces']);
  const nsField = path.child(field, 'namespaces');
  if (namespaces.length === 0 && rule['clusterScope'] !== true) {
    out.push(fe.required(nsField, 'resource rules that are not cluster scoped must supply at least one namespace'));
  } else if (namespaces.includes('*')) {
    if (namespaces.length > 1) out.push(fe.invalid(nsField, namespaces, "if '*' is present, must not specify other namespaces"));
  } else {
    namespaces.forEach((ns, i) => out.push(...nameIsDNSLabel(ns, false).map(m => fe.invalid(path.index(nsField, i), ns, nsErrIntro + m))));
  }
  return out;
}

function validateNonResourceRule(rule: Obj, field: string): Causes {
  const out = validateVerbs(strs(rule['verbs']), path.child(field, 'verbs'));
  const urls = strs(rule['nonResourceURLs']);
  const urlField = path.child(field, 'nonResourceURLs');
  if (urls.length === 0) out.push(fe.required(urlField, 'nonResourceURLs must contain at least one value'));
  else if (urls.includes('*')) {
    if (urls.length > 1) out.push(fe.invalid(urlField, urls, "if '*' is present, must not specify other non-resource URLs"));
  } else urls.forEach((u, i) => out.push(...validateNonResourceURL(u, path.index(urlField, i))));
  return out;
}

const forbiddenUnlessKind: Record<string, [string, string]> = {
  user: ['user', "user is forbidden when subject kind is not 'User'"],
  group: ['group', "group is forbidden when subject kind is not 'Group'"],
  serviceAccount: ['serviceAccount', "serviceAccount is forbidden when subject kind is not 'ServiceAccount'"],
};
const kindMember: Record<string, string> = { User: 'user', Group: 'group', ServiceAccount: 'serviceAccount' };

function validateSubject(subject: Obj, field: string): Causes {
  const kind = str(subject['kind']);
  const member = kindMember[kind];
  if (!member) return [fe.notSupported(path.child(field, 'kind'), kind, ['Group', 'ServiceAccount', 'User'])];
  const out: Causes = [];
  const value = obj(subject[member]);
  const memberField = path.child(field, member);
  if (!value) out.push(fe.required(memberField, `${member} is required when subject kind is '${kind}'`));
  else if (member === 'serviceAccount') {
    const name = str(value['name']);
    if (name === '') out.push(fe.required(path.child(memberField, 'name')));
    else if (name !== '*') out.push(...each(path.child(memberField, 'name'), name, nameIsDNSSubdomain(name, false)));
    const ns = str(value['namespace']);
    if (ns === '') out.push(fe.required(path.child(memberField, 'namespace'), 'must specify namespace for service account'));
    else out.push(...each(path.child(memberField, 'namespace'), ns, nameIsDNSLabel(ns, false)));
  } else if (str(value['name']) === '') out.push(fe.required(path.child(memberField, 'name')));
  // Upstream checks the other members in this fixed order: serviceAccount, user, group.
  for (const other of ['serviceAccount', 'user', 'group']) {
    const [name, msg] = forbiddenUnlessKind[other]!;
    if (other !== member && subject[other] !== undefined && subject[other] !== null) out.push(fe.forbidden(path.child(field, name), msg));
  }
  return out;
}

function validatePolicyRule(rule: Obj, field: string): Causes {
  const out: Causes = [];
  const subjects = objs(rule['subjects']);
  if (subjects.length === 0) out.push(fe.required(path.child(field, 'subjects'), 'subjects must contain at least one value'));
  subjects.forEach((s, i) => out.push(...validateSubject(s, path.index(path.child(field, 'subjects'), i))));
  const resourceRules = objs(rule['resourceRules']);
  const nonResourceRules = objs(rule['nonResourceRules']);
  if (resourceRules.length === 0 && nonResourceRules.length === 0) out.push(fe.required(field, 'at least one of resourceRules and nonResourceRules has to be non-empty'));
  resourceRules.forEach((r, i) => out.push(...validateResourceRule(r, path.index(path.child(field, 'resourceRules'), i))));
  nonResourceRules.forEach((r, i) => out.push(...validateNonResourceRule(r, path.index(path.child(field, 'nonResourceRules'), i))));
  return out;
}

function validateFlowSchemaSpec(name: string, spec: Obj): Causes {
  const out: Causes = [];
  const precedence = num(spec['matchingPrecedence']) ?? 0;
  const precedenceField = 'spec.matchingPrecedence';
  if (precedence <= 0) out.push(fe.invalid(precedenceField, precedence, 'must be a positive value'));
  if (precedence > maxMatchingPrecedence) out.push(fe.invalid(precedenceField, precedence, `must not be greater than ${maxMatchingPrecedence}`));
  if (precedence === 1 && name !== EXEMPT) out.push(fe.invalid(precedenceField, precedence, "only the schema named 'exempt' may have matchingPrecedence 1"));
  const method = obj(spec['distinguisherMethod']);
  if (method && !['ByNamespace', 'ByUser'].includes(str(method['type']))) {
    // Go prints the (internal-version) struct with %#v.
    out.push(fe.notSupported('spec.distinguisherMethod.type', new GoText(`flowcontrol.FlowDistinguisherMethod{Type:${JSON.stringify(str(method['type']))}}`), ['ByNamespace', 'ByUser']));
  }
  const level = str(obj(spec['priorityLevelConfiguration'])?.['name']);
  const levelField = 'spec.priorityLevelConfiguration.name';
  if (level === '') out.push(fe.required(levelField, 'must reference a priority level'));
  else out.push(...each(levelField, level, nameIsDNSSubdomain(level, false)));
  objs(spec['rules']).forEach((r, i) => out.push(...validatePolicyRule(r, `spec.rules[${i}]`)));
  return out;
}

function validateConditions(status: unknown): Causes {
  const out: Causes = [];
  const seen = new Set<string>();
  objs(obj(status)?.['conditions']).forEach((c, i) => {
    const type = str(c['type']);
    if (seen.has(type)) out.push(fe.duplicate(`status.conditions[${i}].type`, type));
    seen.add(type);
    if (type === '') out.push(fe.required(`status.conditions[${i}].type`, 'must not be empty'));
  });
  return out;
}

function validateQueuing(q: Obj, field: string): Causes {
  const out: Causes = [];
  const limit = num(q['queueLengthLimit']) ?? 0;
  const queues = num(q['queues']) ?? 0;
  const handSize = num(q['handSize']) ?? 0;
  if (limit <= 0) out.push(fe.invalid(`${field}.queueLengthLimit`, limit, 'must be positive'));
  if (queues <= 0) out.push(fe.invalid(`${field}.queues`, queues, 'must be positive'));
  else if (queues > maxQueues) out.push(fe.invalid(`${field}.queues`, queues, `must not be greater than ${maxQueues}`));
  if (handSize <= 0) out.push(fe.invalid(`${field}.handSize`, handSize, 'must be positive'));
  else if (handSize > queues) out.push(fe.invalid(`${field}.handSize`, handSize, `should not be greater than queues (${queues})`));
  else if (requiredEntropyBits(queues, handSize) > MAX_HASH_BITS) {
    out.push(fe.invalid(`${field}.handSize`, handSize, `required entropy bits of deckSize ${queues} and handSize ${handSize} should not be greater than ${MAX_HASH_BITS}`));
  }
  return out;
}

function validateLendablePercent(o: Obj, field: string): Causes {
  const p = num(o['lendablePercent']);
  return p !== undefined && (p < 0 || p > 100) ? [fe.invalid(`${field}.lendablePercent`, p, 'must be between 0 and 100, inclusive')] : [];
}

function validateLimited(limited: Obj, field: string): Causes {
  const out: Causes = [];
  const shares = num(limited['nominalConcurrencyShares']) ?? 0;
  if (shares < 0) out.push(fe.invalid(`${field}.nominalConcurrencyShares`, shares, 'must be a non-negative integer'));
  const response = obj(limited['limitResponse']) ?? {};
  const type = str(response['type']);
  const queuing = response['queuing'];
  const rf = `${field}.limitResponse`;
  if (type === 'Reject') {
    if (queuing !== undefined && queuing !== null) out.push(fe.forbidden(`${rf}.queuing`, 'must be nil if limited.limitResponse.type is not Limited'));
  } else if (type === 'Queue') {
    if (!isObj(queuing)) out.push(fe.required(`${rf}.queuing`, 'must not be empty if limited.limitResponse.type is Limited'));
    else out.push(...validateQueuing(queuing, `${rf}.queuing`));
  } else out.push(fe.notSupported(`${rf}.type`, type, ['Queue', 'Reject']));
  out.push(...validateLendablePercent(limited, field));
  const borrowing = num(limited['borrowingLimitPercent']);
  if (borrowing !== undefined && borrowing < 0) out.push(fe.invalid(`${field}.borrowingLimitPercent`, borrowing, 'if specified, must be a non-negative integer'));
  return out;
}

function validatePriorityLevelSpec(name: string, spec: Obj): Causes {
  const out: Causes = [];
  const type = str(spec['type']);
  if ((name === EXEMPT) !== (type === 'Exempt')) out.push(fe.invalid('spec.type', type, "type must be 'Exempt' if and only if name is 'exempt'"));
  const limited = spec['limited'];
  const exempt = spec['exempt'];
  const present = (v: unknown) => v !== undefined && v !== null;
  if (type === 'Exempt') {
    if (present(limited)) out.push(fe.forbidden('spec.limited', 'must be nil if the type is not Limited'));
    if (isObj(exempt)) {
      const shares = num(exempt['nominalConcurrencyShares']);
      if (shares !== undefined && shares < 0) out.push(fe.invalid('spec.exempt.nominalConcurrencyShares', shares, 'must be a non-negative integer'));
      out.push(...validateLendablePercent(exempt, 'spec.exempt'));
    }
  } else if (type === 'Limited') {
    if (present(exempt)) out.push(fe.forbidden('spec.exempt', 'must be nil if the type is Limited'));
    if (!isObj(limited)) out.push(fe.required('spec.limited', 'must not be empty when type is Limited'));
    else out.push(...validateLimited(limited, 'spec.limited'));
  } else out.push(fe.notSupported('spec.type', type, ['Exempt', 'Limited']));
  return out;
}

const metaRules = { namespaced: false, nameFn: nameIsDNSSubdomain };
const nameOf = (o: Obj) => str(obj(o['metadata'])?.['name']);

export function validateFlowSchema(o: Obj): Causes {
  return [...validateObjectMeta(o['metadata'], metaRules), ...validateFlowSchemaSpec(nameOf(o), obj(o['spec']) ?? {}), ...validateConditions(o['status'])];
}

export function validatePriorityLevelConfiguration(o: Obj): Causes {
  return [...validateObjectMeta(o['metadata'], metaRules), ...validatePriorityLevelSpec(nameOf(o), obj(o['spec']) ?? {}), ...validateConditions(o['status'])];
}

/** The entries src/api/validation/index.ts registers; status writes check only the conditions. */
export const flowcontrolValidators = {
  'flowschemas.flowcontrol.apiserver.k8s.io': {
    create: validateFlowSchema,
    update: (o: Obj, old: Obj) => [...validateObjectMetaUpdate(o['metadata'], old['metadata']), ...validateFlowSchema(o)],
  },
  'prioritylevelconfigurations.flowcontrol.apiserver.k8s.io': {
    create: validatePriorityLevelConfiguration,
    update: (o: Obj, old: Obj) => [...validateObjectMetaUpdate(o['metadata'], old['metadata']), ...validatePriorityLevelConfiguration(o)],
  },
};

export function validateFlowcontrolStatusUpdate(o: Obj): Causes {
  return validateConditions(o['status']);
}
