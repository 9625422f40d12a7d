// Turns list/watch query parameters into a storage predicate (label and field selectors).
import type { ResourceInfo } from '../api/resource-info.js';
import type { KubeObject } from '../api/types.js';
import { selectableFields, validateFieldSelector } from '../api/selectable-fields.js';
import { parseFieldSelector } from './selectors/fields.js';
import { parseLabelSelector } from './selectors/labels.js';

export interface ListParams {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: '' | 'NotOlderThan' | 'Exact';
  /** Watch only: the watch-list form (see WatchOptions.sendInitialEvents). */
  sendInitialEvents?: boolean;
}

/** Returns undefined when nothing is filtered, so storage can count remaining items. */
export function buildPredicate(info: ResourceInfo, params: ListParams): ((obj: KubeObject) => boolean) | undefined {
  const labels = params.labelSelector ? parseLabelSelector(params.labelSelector) : undefined;
  // Validation also renames legacy field labels (e.g. pods spec.host) to the current ones.
  const selector = params.fieldSelector ? parseFieldSelector(params.fieldSelector) : undefined;
  const fields = selector && (info.custom ? info.custom.validateFieldSelector(selector) : validateFieldSelector(info.group, info.version, info.resource, selector));
  const byLabels = labels && !labels.isEmpty() ? labels : undefined;
  const byFields = fields && !fields.isEmpty() ? fields : undefined;
  if (!byLabels && !byFields) return undefined;
  return (obj: KubeObject) =>
    (!byLabels || byLabels.matches(obj.metadata.labels)) &&
    (!byFields || byFields.matches(info.custom ? info.custom.fieldSet(obj) : selectableFields(info.group, info.resource, obj)));
}
