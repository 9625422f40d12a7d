// Create/update validation of ValidatingAdmissionPolicies, their bindings, and the matchConditions
// of webhook configurations (pkg/apis/admissionregistration/validation): required fields,
// supported values, and every CEL expression compiled as admission will run it, a failure being
// `<field>: Invalid value: "<expr>": compilation failed: ERROR: ...`.
import { each, fe, list, obj, objs, path, str, type Causes, type Obj } from '../../api/validation/field.js';
import { validateObjectMeta } from '../../api/validation/metadata.js';
import { isQualifiedName, nameIsDNSSubdomain, nameIsPathSegment } from '../../api/validation/names.js';
import { validateLabelSelector } from '../../api/validation/selectors.js';
import { compileExpression, RETURNS, type Compiled } from './compile.js';
import { variablesType } from './compiled-policy.js';

const FAILURE_POLICIES = ['Fail', 'Ignore'];
const MATCH_POLICIES = ['Equivalent', 'Exact'];
const OPERATIONS = ['*', 'CONNECT', 'CREATE', 'DELETE', 'UPDATE'];
const SCOPES = ['*', 'Cluster', 'Namespaced'];
const REASONS = ['Forbidden', 'Invalid', 'RequestEntityTooLarge', 'Unauthorized'];
const ACTIONS = ['Audit', 'Deny', 'Warn'];
const CEL_RESERVED = new Set(['true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if',
  'import', 'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while']);
const MAX_AUDIT_ANNOTATIONS = 20;
const MAX_VALUE_EXPRESSION = 5 * 1024;

const meta = (o: Obj) => validateObjectMeta(o['metadata'], { namespaced: false, nameFn: nameIsDNSSubdomain });

/** convertCELErrorToValidationError for an Invalid compile result. */
function compileCauses(field: string, source: string, r: Compiled): Causes {
  return r.ok ? [] : [fe.invalid(field, source, r.detail)];
}

function validateRule(rule: Obj, field: string): Causes {
  const out: Causes = [];
  const ops = list(rule['operations']).map(str);
  if (ops.length === 0) out.push(fe.required(path.child(field, 'operations')));
  if (ops.length > 1 && ops.includes('*')) out.push(fe.invalid(path.child(field, 'operations'), ops, "if '*' is present, must not specify other operations"));
  ops.forEach((op, i) => { if (!OPERATIONS.includes(op)) out.push(fe.notSupported(path.index(path.child(field, 'operations'), i), op, OPERATIONS)); });
  for (const key of ['apiGroups', 'apiVersions', 'resources']) {
    if (list(rule[key]).length === 0) out.push(fe.required(path.child(field, key)));
  }
  const scope = rule['scope'];
  if (scope !== undefined && !SCOPES.includes(str(scope))) out.push(fe.notSupported(path.child(field, 'scope'), scope, SCOPES));
  list(rule['resourceNames']).forEach((n, i) => out.push(...each(path.index(path.child(field, 'resourceNames'), i), n, nameIsPathSegment(str(n), false))));
  return out;
}

function validateMatchResources(mr: Obj, field: string): Causes {
  const out: Causes = [];
  const policy = mr['matchPolicy'];
  if (policy === undefined) out.push(fe.required(path.child(field, 'matchPolicy')));
  else if (!MATCH_POLICIES.includes(str(policy))) out.push(fe.notSupported(path.child(field, 'matchPolicy'), policy, MATCH_POLICIES));
  for (const sel of ['namespaceSelector', 'objectSelector']) {
    if (mr[sel] === undefined) out.push(fe.required(path.child(field, sel)));
    else out.push(...validateLabelSelector(mr[sel], path.child(field, sel)));
  }
  for (const key of ['resourceRules', 'excludeResourceRules']) {
    objs(mr[key]).forEach((r, i) => out.push(...validateRule(r, path.index(path.child(field, key), i))));
  }
  return out;
}

/** validateMatchConditions: names unique qualified names, expressions boolean CEL. */
export function validateMatchConditions(conditions: unknown, field: string, params: boolean): Causes {
  const out: Causes = [];
  const items = objs(conditions);
  if (items.length > 64) out.push(fe.tooMany(field, items.length, 64));
  const names = new Set<string>();
  items.forEach((c, i) => {
    const p = path.index(field, i);
    const expression = str(c['expression']).trim();
    if (expression === '') out.push(fe.required(path.child(p, 'expression')));
    else out.push(...compileCauses(path.child(p, 'expression'), expression, compileExpression(expression, { params, authorizer: true }, RETURNS.bool)));
    const name = str(c['name']);
    if (name === '') out.push(fe.required(path.child(p, 'name')));
    else out.push(...each(path.child(p, 'name'), name, isQualifiedName(name)));
    if (name !== '' && names.has(name)) out.push(fe.duplicate(path.child(p, 'name'), name));
    names.add(name);
  });
  return out;
}

function validateParamKind(pk: Obj, field: string): Causes {
  const out: Causes = [];
  const apiVersion = str(pk['apiVersion']);
  if (apiVersion === '') out.push(fe.required(path.child(field, 'apiVersion')));
  else if (apiVersion.split('/').length > 2) out.push(fe.invalid(path.child(field, 'apiVersion'), apiVersion, `unexpected GroupVersion string: ${apiVersion}`));
  if (str(pk['kind']) === '') out.push(fe.required(path.child(field, 'kind')));
  return out;
}

export function validateValidatingAdmissionPolicy(p: Obj): Causes {
  const out = meta(p);
  const spec = obj(p['spec']) ?? {};
  const failure = spec['failurePolicy'];
  if (failure === undefined) out.push(fe.required('spec.failurePolicy'));
  else if (!FAILURE_POLICIES.includes(str(failure))) out.push(fe.notSupported('spec.failurePolicy', failure, FAILURE_POLICIES));
  const paramKind = obj(spec['paramKind']);
  if (paramKind) out.push(...validateParamKind(paramKind, 'spec.paramKind'));
  const params = paramKind !== undefined;
  const constraints = obj(spec['matchConstraints']);
  if (!constraints) out.push(fe.required('spec.matchConstraints'));
  else {
    out.push(...validateMatchResources(constraints, 'spec.matchConstraints'));
    // At least one resourceRule, so the type checker knows what `object` is.
    if (list(constraints['resourceRules']).length === 0) out.push(fe.required('spec.matchConstraints.resourceRules'));
  }
  out.push(...validateMatchConditions(spec['matchConditions'], 'spec.matchConditions', params));
  const vars = variablesType();
  const decl = { params, authorizer: true, variables: vars };
  objs(spec['variables']).forEach((v, i) => {
    const p = path.index('spec.variables', i);
    const name = str(v['name']);
    if (name.trim() === '') out.push(fe.required(path.child(p, 'name'), 'name is not specified'));
    else if (!/^[_a-zA-Z][_a-zA-Z0-9]*$/.test(name) || CEL_RESERVED.has(name)) out.push(fe.invalid(path.child(p, 'name'), name, 'name is not a valid CEL identifier'));
    const expression = str(v['expression']);
    if (expression.trim() === '') {
      out.push(fe.required(path.child(p, 'expression'), 'expression is not specified'));
      return;
    }
    const r = compileExpression(expression, decl, RETURNS.any);
    vars.fields.set(name, r.ok ? r.program.outputType : { kind: 'dyn' });
    out.push(...compileCauses(path.child(p, 'expression'), expression, r));
  });
  const validations = objs(spec['validations']);
  const audits = objs(spec['auditAnnotations']);
  if (validations.length === 0 && audits.length === 0) {
    out.push(fe.required('spec.validations', 'validations or auditAnnotations must contain at least one item'));
    out.push(fe.required('spec.auditAnnotations', 'validations or auditAnnotations must contain at least one item'));
    return out;
  }
  validations.forEach((v, i) => out.push(...validateValidation(v, path.index('spec.validations', i), decl)));
  if (audits.length > MAX_AUDIT_ANNOTATIONS) out.push(fe.invalid('spec.auditAnnotations', audits, `must not have more than ${MAX_AUDIT_ANNOTATIONS} auditAnnotations`));
  const keys = new Set<string>();
  const policyName = str(obj(p['metadata'])?.['name']);
  audits.forEach((a, i) => {
    const p = path.index('spec.auditAnnotations', i);
    const key = str(a['key']);
    if (policyName === '') out.push(fe.invalid(path.child(p, 'key'), key, 'requires metadata.name be non-empty'));
    else out.push(...each(path.child(p, 'key'), `${policyName}/${key}`, isQualifiedName(`${policyName}/${key}`)));
    const value = str(a['valueExpression']);
    if (value.trim() === '') out.push(fe.required(path.child(p, 'valueExpression'), 'valueExpression is not specified'));
    else if (value.trim().length > MAX_VALUE_EXPRESSION) out.push(fe.required(path.child(p, 'valueExpression'), `must not exceed ${MAX_VALUE_EXPRESSION} bytes in length`));
    else out.push(...compileCauses(path.child(p, 'valueExpression'), value, compileExpression(value.trim(), decl, RETURNS.stringOrNull)));
    if (keys.has(key)) out.push(fe.duplicate(path.child(p, 'key'), key));
    keys.add(key);
  });
  return out;
}

function validateValidation(v: Obj, field: string, decl: Parameters<typeof compileExpression>[1]): Causes {
  const out: Causes = [];
  const expression = str(v['expression']);
  if (expression.trim() === '') out.push(fe.required(path.child(field, 'expression'), 'expression is not specified'));
  else out.push(...compileCauses(path.child(field, 'expression'), expression, compileExpression(expression, decl, RETURNS.bool)));
  const messageExpression = str(v['messageExpression']);
  if (messageExpression !== '' && messageExpression.trim() === '') {
    out.push(fe.invalid(path.child(field, 'messageExpression'), messageExpression, 'must be non-empty if specified'));
  } else if (messageExpression !== '') {
    const r = compileExpression(messageExpression, { ...decl, authorizer: false }, RETURNS.string);
    out.push(...compileCauses(path.child(field, 'messageExpression'), messageExpression, r));
  }
  const message = str(v['message']);
  if (message !== '' && message.trim() === '') out.push(fe.invalid(path.child(field, 'message'), message, 'message must be non-empty if specified'));
  else if (/[\n\r]/.test(message.trim())) out.push(fe.invalid(path.child(field, 'message'), message, 'message must not contain line breaks'));
  const reason = v['reason'];
  if (reason !== undefined && !REASONS.includes(str(reason))) out.push(fe.notSupported(path.child(field, 'reason'), reason, REASONS));
  return out;
}

function validateParamRef(ref: Obj, field: string): Causes {
  const out: Causes = [];
  const name = str(ref['name']);
  const hasSelector = ref['selector'] !== undefined && ref['selector'] !== null;
  if (name !== '') {
    out.push(...each(path.child(field, 'name'), name, nameIsPathSegment(name, false)));
    if (hasSelector) out.push(fe.forbidden(path.child(field, 'name'), 'name and selector are mutually exclusive'));
  }
  if (hasSelector) {
    out.push(...validateLabelSelector(ref['selector'], path.child(field, 'selector')));
    if (name !== '') out.push(fe.forbidden(path.child(field, 'selector'), 'name and selector are mutually exclusive'));
  }
  if (name === '' && !hasSelector) out.push(fe.required(field, 'one of name or selector must be specified'));
  const action = str(ref['parameterNotFoundAction']);
  if (action === '') out.push(fe.required(path.child(field, 'parameterNotFoundAction')));
  else if (action !== 'Deny' && action !== 'Allow') out.push(fe.notSupported(path.child(field, 'parameterNotFoundAction'), action, ['Deny', 'Allow']));
  return out;
}

export function validateValidatingAdmissionPolicyBinding(b: Obj): Causes {
  const out = meta(b);
  const spec = obj(b['spec']) ?? {};
  const policyName = str(spec['policyName']);
  if (policyName === '') out.push(fe.required('spec.policyName'));
  else out.push(...each('spec.policyName', policyName, nameIsDNSSubdomain(policyName, false)));
  const ref = obj(spec['paramRef']);
  if (ref) out.push(...validateParamRef(ref, 'spec.paramRef'));
  const mr = obj(spec['matchResources']);
  // Upstream's field path has this spelling.
  if (mr) out.push(...validateMatchResources(mr, 'spec.matchResouces'));
  const actions = list(spec['validationActions']).map(str);
  const seen = new Set<string>();
  actions.forEach((a, i) => {
    const p = path.index('spec.validationActions', i);
    if (!ACTIONS.includes(a)) out.push(fe.notSupported(p, a, ACTIONS));
    if (seen.has(a)) out.push(fe.duplicate(p, a));
    seen.add(a);
  });
  if (seen.has('Deny') && seen.has('Warn')) {
    out.push(fe.invalid('spec.validationActions', actions,
      'must not contain both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)'));
  }
  if (seen.size === 0) out.push(fe.required('spec.validationActions', 'at least one validation action is required'));
  return out;
}

/** A webhook configuration: metadata, and each webhook's matchConditions (params are not declared). */
export function validateWebhookConfiguration(c: Obj): Causes {
  const out = meta(c);
  objs(c['webhooks']).forEach((h, i) => out.push(...validateMatchConditions(h['matchConditions'], path.child(path.index('webhooks', i), 'matchConditions'), false)));
  return out;
}
