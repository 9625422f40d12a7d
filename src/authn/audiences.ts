// Audience intersection and Go's %q rendering of audience lists in error messages.

export function intersect(a: string[], b: string[]): string[] {
  return a.filter(x => b.includes(x));
}

export function goQuoted(list: string[]): string {
  return `[${list.map(s => JSON.stringify(s)).join(' ')}]`;
}
