// Nesting limits for client data. Upstream's JSON decoder stops at 10,000 levels, but Node's
// recursive builtins (structuredClone, JSON.stringify) overflow their stack long before that, so
// the server refuses data nested deeper than it can copy and encode everywhere it goes.

/** The deepest nesting of objects and arrays accepted in a request body or a patch result. */
export const maxNestingDepth = 1000;

/**
 * The bracket that opens level limit+1 of JSON text, or undefined when the text stays within it.
 * One iterative pass, so hostile text cannot overflow the stack before JSON.parse sees it.
 */
export function excessiveJsonNesting(text: string, limit = maxNestingDepth): string | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Skip the string, escapes included.
      for (i++; i < text.length; i++) {
        const s = text.charCodeAt(i);
        if (s === 0x5c) i++;
        else if (s === 0x22) break;
      }
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return text[i];
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return undefined;
}

interface Frame {
  node: object;
  children: unknown[];
  next: number;
  height: number;
}

function childrenOf(node: object): unknown[] {
  return Array.isArray(node) ? node : Object.values(node);
}

/**
 * Whether a parsed value nests deeper than limit. Shared subtrees (YAML aliases) are measured once,
 * and a value that contains itself counts as too deep.
 */
export function nestsTooDeep(root: unknown, limit = maxNestingDepth): boolean {
  if (root === null || typeof root !== 'object') return false;
  const heights = new Map<object, number>();
  const stack: Frame[] = [{ node: root, children: childrenOf(root), next: 0, height: 0 }];
  for (;;) {
    const top = stack[stack.length - 1]!;
    if (top.next < top.children.length) {
      const child = top.children[top.next++];
      if (child === null || typeof child !== 'object') continue;
      const known = heights.get(child);
      if (known !== undefined) {
        top.height = Math.max(top.height, known);
        continue;
      }
      if (stack.length >= limit) return true;
      stack.push({ node: child, children: childrenOf(child), next: 0, height: 0 });
      continue;
    }
    stack.pop();
    const height = top.height + 1;
    heights.set(top.node, height);
    const parent = stack[stack.length - 1];
    if (!parent) return height > limit;
    parent.height = Math.max(parent.height, height);
  }
}
