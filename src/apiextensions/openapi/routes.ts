// The routes apiextensions-apiserver's OpenAPI builder declares for one CRD version (a template
// of registerResourceHandlers): list/create/deletecollection on the collection, get/replace/
// delete/patch on the object, the status and scale subresources, each with the query options of
// its metav1 options type. No watch routes: the builder declares none.
import type { CustomResourceDefinition } from '../types.js';
import { versionOf } from './schema.js';

export interface Param {
  name: string;
  in: 'path' | 'query';
  description: string;
  type: 'string' | 'integer' | 'boolean';
}

/** What a request or response carries: a definition of the built-in document, or the CRD's kind or list. */
export type Model = { builtin: string } | { crd: 'kind' | 'list' };

export interface Route {
  method: 'get' | 'post' | 'put' | 'delete' | 'patch';
  path: string;
  operationId: string;
  tag: string;
  description: string;
  action: string;
  consumes: string[];
  produces: string[];
  params: Param[];
  body?: { model: Model; required: boolean };
  /** Status code → description and model, in the order the builder adds them. */
  responses: { code: number; description: string; model: Model }[];
  gvk: { group: string; version: string; kind: string };
}

const DRY_RUN = 'When present, indicates that modifications should not be persisted. An invalid or unrecognized dryRun directive will result in an error response and no further processing of the request. Valid values are: - All: all dry run stages will be processed';
const FIELD_MANAGER = 'fieldManager is a name associated with the actor or entity that is making these changes. The value must be less than or 128 characters long, and only contain printable characters, as defined by https://golang.org/pkg/unicode/#IsPrint.';
const FIELD_VALIDATION = 'fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore: This will ignore any unknown fields that are silently dropped from the object, and will ignore all but the last duplicate field that the decoder encounters. This is the default behavior prior to v1.23. - Warn: This will send a warning via the standard warning response header for each unknown field that is dropped from the object, and for each duplicate field that is encountered. The request will still succeed if there are no other errors, and will only persist the last of any duplicate fields. This is the default in v1.23+ - Strict: This will fail the request with a BadRequest error if any unknown fields would be dropped from the object, or if any duplicate fields are present. The error returned from the server will contain all unknown and duplicate fields encountered.';
const RESOURCE_VERSION = 'resourceVersion sets a constraint on what resource versions a request may be served from. See https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-versions for details.\n\nDefaults to unset';

const q = (name: string, type: Param['type'], description: string): Param => ({ name, in: 'query', type, description });

/** The metav1 options types as AddObjectParams turns them into query parameters (1.32's SwaggerDoc). */
const OPTIONS: Record<string, Param[]> = {
  get: [q('resourceVersion', 'string', RESOURCE_VERSION)],
  list: [
    q('labelSelector', 'string', 'A selector to restrict the list of returned objects by their labels. Defaults to everything.'),
    q('fieldSelector', 'string', 'A selector to restrict the list of returned objects by their fields. Defaults to everything.'),
    q('watch', 'boolean', 'Watch for changes to the described resources and return them as a stream of add, update, and remove notifications. Specify resourceVersion.'),
    q('allowWatchBookmarks', 'boolean', 'allowWatchBookmarks requests watch events with type "BOOKMARK". Servers that do not implement bookmarks may ignore this flag and bookmarks are sent at the server\'s discretion. Clients should not assume bookmarks are returned at any specific interval, nor may they assume the server will send any BOOKMARK event during a session. If this is not a watch, this field is ignored.'),
    q('resourceVersion', 'string', RESOURCE_VERSION),
    q('resourceVersionMatch', 'string', 'resourceVersionMatch determines how resourceVersion is applied to list calls. It is highly recommended that resourceVersionMatch be set for list calls where resourceVersion is set See https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-versions for details.\n\nDefaults to unset'),
    q('timeoutSeconds', 'integer', 'Timeout for the list/watch call. This limits the duration of the call, regardless of any activity or inactivity.'),
    q('limit', 'integer', 'limit is a maximum number of responses to return for a list call. If more items exist, the server will set the `continue` field on the list metadata to a value that can be used with the same initial query to retrieve the next set of results. Setting a limit may return fewer than the requested amount of items (up to zero items) in the event all requested objects are filtered out and clients should only use the presence of the continue field to determine whether more results are available. Servers may choose not to support the limit argument and will return all of the available results. If limit is specified and the continue field is empty, clients may assume that no more results are available. This field is not supported if watch is true.\n\nThe server guarantees that the objects returned when using continue will be identical to issuing a single list call without a limit - that is, no objects created, modified, or deleted after the first request is issued will be included in any subsequent continued requests. This is sometimes referred to as a consistent snapshot, and ensures that a client that is using limit to receive smaller chunks of a very large result can ensure they see all possible objects. If objects are updated during a chunked list the version of the object that was present at the time the first list result was calculated is returned.'),
    q('continue', 'string', 'The continue option should be set when retrieving more results from the server. Since this value is server defined, clients may only use the continue value from a previous query result with identical query parameters (except for the value of continue) and the server may reject a continue value it does not recognize. If the specified continue value is no longer valid whether due to expiration (generally five to fifteen minutes) or a configuration change on the server, the server will respond with a 410 ResourceExpired error together with a continue token. If the client needs a consistent list, it must restart their list without the continue field. Otherwise, the client may send another list request with the token received with the 410 error, the server will respond with a list starting from the next key, but from the latest snapshot, which is inconsistent from the previous list results - objects that are created, modified, or deleted after the first list request will be included in the response, as long as their keys are after the "next key".\n\nThis field is not supported when watch is true. Clients may start a watch from the last resourceVersion value returned by the server and not miss any modifications.'),
    q('sendInitialEvents', 'boolean', '`sendInitialEvents=true` may be set together with `watch=true`. In that case, the watch stream will begin with synthetic events to produce the current state of objects in the collection. Once all such events have been sent, a synthetic "Bookmark" event  will be sent. The bookmark will report the ResourceVersion (RV) corresponding to the set of objects, and be marked with `"k8s.io/initial-events-end": "true"` annotation. Afterwards, the watch stream will proceed as usual, sending watch events corresponding to changes (subsequent to the RV) to objects watched.\n\nWhen `sendInitialEvents` option is set, we require `resourceVersionMatch` option to also be set. The semantic of the watch request is as following: - `resourceVersionMatch` = NotOlderThan\n  is interpreted as "data at least as new as the provided `resourceVersion`"\n  and the bookmark event is send when the state is synced\n  to a `resourceVersion` at least as fresh as the one provided by the ListOptions.\n  If `resourceVersion` is unset, this is interpreted as "consistent read" and the\n  bookmark event is send when the state is synced at least to the moment\n  when request started being processed.\n- `resourceVersionMatch` set to any other value or unset\n  Invalid error is returned.\n\nDefaults to true if `resourceVersion=""` or `resourceVersion="0"` (for backward compatibility reasons) and to false otherwise.'),
  ],
  post: [q('dryRun', 'string', DRY_RUN), q('fieldManager', 'string', FIELD_MANAGER), q('fieldValidation', 'string', FIELD_VALIDATION)],
  put: [q('dryRun', 'string', DRY_RUN), q('fieldManager', 'string', FIELD_MANAGER), q('fieldValidation', 'string', FIELD_VALIDATION)],
  patch: [
    q('dryRun', 'string', DRY_RUN),
    q('force', 'boolean', 'Force is going to "force" Apply requests. It means user will re-acquire conflicting fields owned by other people. Force flag must be unset for non-apply patch requests.'),
    q('fieldManager', 'string', `${FIELD_MANAGER} This field is required for apply requests (application/apply-patch) but optional for non-apply patch types (JsonPatch, MergePatch, StrategicMergePatch).`),
    q('fieldValidation', 'string', FIELD_VALIDATION),
  ],
  // 1.32 also lists the alpha ignoreStoreReadErrorWithClusterBreakingPotential; left out as in the built-in paths.
  delete: [
    q('gracePeriodSeconds', 'integer', 'The duration in seconds before the object should be deleted. Value must be non-negative integer. The value zero indicates delete immediately. If this value is nil, the default grace period for the specified type will be used. Defaults to a per object value if not specified. zero means delete immediately.'),
    q('orphanDependents', 'boolean', 'Deprecated: please use the PropagationPolicy, this field will be deprecated in 1.7. Should the dependent objects be orphaned. If true/false, the "orphan" finalizer will be added to/removed from the object\'s finalizers list. Either this field or PropagationPolicy may be set, but not both.'),
    q('propagationPolicy', 'string', 'Whether and how garbage collection will be performed. Either this field or OrphanDependents may be set, but not both. The default policy is decided by the existing finalizer set in the metadata.finalizers and the resource-specific default policy. Acceptable values are: \'Orphan\' - orphan the dependents; \'Background\' - allow the garbage collector to delete the dependents in the background; \'Foreground\' - a cascading policy that deletes all dependents in the foreground.'),
    q('dryRun', 'string', DRY_RUN),
  ],
};
OPTIONS['deletecollection'] = OPTIONS['list']!;

const PRETTY = q('pretty', 'string', "If 'true', then the output is pretty printed. Defaults to 'false' unless the user-agent indicates a browser or command-line HTTP tool (curl and wget).");
const PATCH_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml'];

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
const STATUS: Model = { builtin: `${META}Status` };
const PATCH: Model = { builtin: `${META}Patch` };
const DELETE_OPTIONS: Model = { builtin: `${META}DeleteOptions` };
const SCALE: Model = { builtin: 'io.k8s.api.autoscaling.v1.Scale' };
const KIND: Model = { crd: 'kind' };
const LIST: Model = { crd: 'list' };

/** apiserver's ToValidOperationID: letters, '_' and non-leading digits, capitalised after anything else. */
function validOperationId(s: string, capitalizeFirst: boolean): string {
  let out = '';
  let capitalize = capitalizeFirst;
  [...s].forEach((c, i) => {
    if (/\p{L}/u.test(c) || c === '_' || (i !== 0 && /\p{Nd}/u.test(c))) {
      out += capitalize ? c.toUpperCase() : c;
      capitalize = false;
    } else {
      capitalize = true;
    }
  });
  return out;
}

/** The verbs GetOperationIDAndTags recognises; its trie yields the shortest match ("delete", not "deletecollection"). */
const VERBS = ['get', 'log', 'read', 'replace', 'patch', 'delete', 'deletecollection', 'watch', 'connect', 'proxy', 'list', 'create'];

/** GetOperationIDAndTags for an /apis/<group>/<version>/... route. */
function operationIdAndTag(operation: string, group: string, version: string): { id: string; tag: string } {
  const verb = VERBS.filter(v => operation.startsWith(v)).sort((a, b) => a.length - b.length)[0] ?? '';
  const g = group.replace(/\.k8s\.io$/, '');
  const prefix = verb + validOperationId(g, verb !== '') + validOperationId(version, true);
  return { id: prefix + validOperationId(operation.slice(verb.length), true), tag: `${validOperationId(g, false)}_${validOperationId(version, false)}` };
}

/** endpoints.GetArticleForNoun with " " padding. */
function article(noun: string): string {
  if (!noun.endsWith('ss') && noun.endsWith('s')) return ' ';
  return /^[aeiou]/i.test(noun) ? ' an ' : ' a ';
}

function description(kind: string, sub: string, verb: string): string {
  const of = sub ? ` ${sub} of` : '';
  switch (verb) {
    case 'list': return `list${of} objects of kind ${kind}`;
    case 'read': case 'replace': return `${verb}${of} the specified ${kind}`;
    case 'patch': return `partially update${of} the specified ${kind}`;
    case 'create': case 'delete': return `${verb}${of}${article(kind)}${kind}`;
    case 'deletecollection': return `delete collection of${of ? `${of} a` : ''} ${kind}`;
    default: return `${verb}${of}${kind}`;
  }
}

export function crdRoutes(crd: CustomResourceDefinition, version: string): Route[] {
  const { group, names } = crd.spec;
  const kind = names.kind;
  const namespaced = crd.spec.scope === 'Namespaced';
  const gvk = { group, version, kind };
  const routes: Route[] = [];

  const add = (root: string, suffix: string, method: Route['method'], action: string, verb: string, model: Model, opts: { operation?: string; body?: Model } = {}): void => {
    const sub = suffix.split('/')[2] ?? '';
    const operation = opts.operation ?? verb + (namespaced ? 'Namespaced' : '') + kind + (sub ? sub[0]!.toUpperCase() + sub.slice(1) : '');
    const { id, tag } = operationIdAndTag(operation, group, version);
    const path = root + suffix;
    const params = [PRETTY];
    if (path.includes('{namespace}')) params.push({ name: 'namespace', in: 'path', type: 'string', description: 'object name and auth scope, such as for teams and projects' });
    if (path.includes('{name}')) params.push({ name: 'name', in: 'path', type: 'string', description: `name of the ${kind}` });
    params.push(...(OPTIONS[action] ?? []));
    const responses = [{ code: 200, description: 'OK', model }];
    if (action === 'post') responses.push({ code: 202, description: 'Accepted', model }, { code: 201, description: 'Created', model });
    if (action === 'delete') responses.push({ code: 202, description: 'Accepted', model });
    if (action === 'put') responses.push({ code: 201, description: 'Created', model });
    const route: Route = {
      method, path, operationId: id, tag, description: description(kind, sub, verb), action,
      consumes: method === 'patch' ? PATCH_TYPES : ['application/json', 'application/yaml'],
      produces: ['application/json', 'application/yaml'], params, responses, gvk,
    };
    if (opts.body) route.body = { model: opts.body, required: true };
    if (action === 'delete') route.body = { model: DELETE_OPTIONS, required: false };
    routes.push(route);
  };

  let root = `/apis/${group}/${version}/${names.plural}`;
  if (namespaced) {
    add(root, '', 'get', 'list', 'list', LIST, { operation: `list${kind}ForAllNamespaces` });
    root = `/apis/${group}/${version}/namespaces/{namespace}/${names.plural}`;
  }
  add(root, '', 'get', 'list', 'list', LIST);
  add(root, '', 'post', 'post', 'create', KIND, { body: KIND });
  add(root, '', 'delete', 'deletecollection', 'deletecollection', STATUS);
  add(root, '/{name}', 'get', 'get', 'read', KIND);
  add(root, '/{name}', 'put', 'put', 'replace', KIND, { body: KIND });
  add(root, '/{name}', 'delete', 'delete', 'delete', STATUS);
  add(root, '/{name}', 'patch', 'patch', 'patch', KIND, { body: PATCH });
  const subresources = versionOf(crd, version).subresources;
  if (subresources?.status) {
    add(root, '/{name}/status', 'get', 'get', 'read', KIND);
    add(root, '/{name}/status', 'put', 'put', 'replace', KIND, { body: KIND });
    add(root, '/{name}/status', 'patch', 'patch', 'patch', KIND, { body: PATCH });
  }
  if (subresources?.scale) {
    add(root, '/{name}/scale', 'get', 'get', 'read', SCALE);
    add(root, '/{name}/scale', 'put', 'put', 'replace', SCALE, { body: SCALE });
    add(root, '/{name}/scale', 'patch', 'patch', 'patch', SCALE, { body: PATCH });
  }
  return routes;
}
