// metav1.LabelSelector validation (ValidateLabelSelector) and matching against labels.
import { type Causes, each, fe, list, obj, objs, path, str, strMap } from './field.js';
import { validateLabels } from './metadata.js';
import { isQualifiedName, isValidLabelValue } from './names.js';

export function validateLabelSelector(selector: unknown, field: string): Causes {
  const sel = obj(selector);
  if (!sel) return [];
  const out: Causes = [...validateLabels(sel['matchLabels'], path.child(field, 'matchLabels'))];
  objs(sel['matchExpressions']).forEach((expr, i) => {
    const p = path.index(path.child(field, 'matchExpressions'), i);
    const op = str(expr['operator']);
    const values = list(expr['values']).map(str);
    if (op === 'In' || op === 'NotIn') {
      if (values.length === 0) out.push(fe.required(path.child(p, 'values'), "must be specified when `operator` is 'In' or 'NotIn'"));
    } else if (op === 'Exists' || op === 'DoesNotExist') {
      if (values.length > 0) out.push(fe.forbidden(path.child(p, 'values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
    } else {
      out.push(fe.invalid(path.child(p, 'operator'), op, 'not a valid selector operator'));
    }
    out.push(...each(path.child(p, 'key'), str(expr['key']), isQualifiedName(str(expr['key']))));
    values.forEach((v, j) => out.push(...each(path.index(path.child(p, 'values'), j), v, isValidLabelValue(v))));
  });
  return out;
}

/** Whether a selector has no requirements at all (it then matches everything). */
export function selectorIsEmpty(selector: unknown): boolean {
  const sel = obj(selector);
  return !sel || (Object.keys(strMap(sel['matchLabels'])).length === 0 && list(sel['matchExpressions']).length === 0);
}

/** LabelSelectorAsSelector(...).Matches(labels); false for selectors that do not convert. */
export function selectorMatches(selector: unknown, labelsValue: unknown): boolean {
  const sel = obj(selector);
  if (!sel) return false;
  const labels = strMap(labelsValue);
  for (const [k, v] of Object.entries(strMap(sel['matchLabels']))) if (labels[k] !== v) return false;
  for (const expr of objs(sel['matchExpressions'])) {
    const key = str(expr['key']);
    const values = list(expr['values']).map(str);
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    switch (str(expr['operator'])) {
      case 'In': if (!has || !values.includes(labels[key] ?? '')) return false; break;
      case 'NotIn': if (has && values.includes(labels[key] ?? '')) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
      default: return false;
    }
  }
  return true;
}
