// RE2 patterns for CEL's matches, find and findAll: the shared Go-regexp translation, with a
// compile error raised as a CEL evaluation error.
import { goPattern } from '../api/go-regexp.js';
import { evalError } from './values.js';

export function compileRegex(pattern: string, global = false): RegExp {
  const re = goPattern(pattern, global ? 'g' : '');
  if (typeof re === 'string') throw evalError(`error parsing regexp: ${re}`);
  return re;
}
