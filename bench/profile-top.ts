// `node dist/bench/profile-top.js FILE.cpuprofile [N]`: the N (default 40) functions with the most
// self time in a V8 CPU profile, then the same summed per source file, as text for a terminal.
import { readFileSync } from 'node:fs';

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface Profile { nodes: Node[]; samples: number[]; timeDeltas: number[] }

const [file, top = '40'] = process.argv.slice(2);
if (!file) throw new Error('usage: profile-top FILE.cpuprofile [N]');
const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(p.nodes.map(n => [n.id, n]));
const self = new Map<number, number>();
p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
const total = [...self.values()].reduce((a, b) => a + b, 0);

function print(title: string, sums: Map<string, number>): void {
  console.log(`${title} (total ${(total / 1000).toFixed(0)} ms)`);
  for (const [k, us] of [...sums].sort((a, b) => b[1] - a[1]).slice(0, Number(top))) {
    console.log(`${(100 * us / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${k}`);
  }
}

const fns = new Map<string, number>();
const files = new Map<string, number>();
for (const [id, us] of self) {
  const f = byId.get(id)!.callFrame;
  const url = f.url.replace(/^file:\/\/.*?\/(node_modules|dist)\//, '$1/');
  const key = `${f.functionName || '(anonymous)'} ${url}:${f.lineNumber + 1}`;
  fns.set(key, (fns.get(key) ?? 0) + us);
  files.set(url || f.functionName, (files.get(url || f.functionName) ?? 0) + us);
}
print('self time by function', fns);
console.log('');
print('self time by file', files);
