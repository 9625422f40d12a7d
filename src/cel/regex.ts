// RE2 patterns on JavaScript's engine. The syntaxes overlap for what validation rules use; RE2's
// leading inline flags ((?i), (?s), (?m)) become RegExp flags since JS has no inline form.
import { evalError } from './values.js';

const cache = new Map<string, RegExp>();

export function compileRegex(pattern: string, global = false): RegExp {
  const key = `${global ? 'g' : ''}:${pattern}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let body = pattern;
  let flags = global ? 'g' : '';
  const inline = /^\(\?([ims]+)\)/.exec(body);
  if (inline) {
    flags += inline[1];
    body = body.slice(inline[0].length);
  }
  let re: RegExp;
  try {
    re = new RegExp(body, `${flags}u`);
  } catch {
    try {
      re = new RegExp(body, flags);
    } catch (e) {
      throw evalError(`error parsing regexp: ${(e as Error).message}`);
    }
  }
  if (cache.size > 1000) cache.clear();
  cache.set(key, re);
  return re;
}
