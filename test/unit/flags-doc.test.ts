// docs/OPERATING.md's flag tables are generated from src/options/flag-table.ts and must be current.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BEGIN_MARKER, END_MARKER, OPERATING_DOC, renderFlagsSection, replaceGeneratedSection } from '../../hack/flags-doc.js';
import { FLAG_GROUPS, FLAGS, type FlagSpec } from '../../src/options/flag-table.js';

test('every flag has one row, under its upstream help section', () => {
  const md = renderFlagsSection();
  for (const f of FLAGS) {
    const rows = md.split('\n').filter(l => l.includes(`\`--${f.name}\``));
    assert.equal(rows.length, 1, `--${f.name}`);
    assert.ok(md.lastIndexOf(`#### ${f.group}`, md.indexOf(rows[0]!)) >= 0, `--${f.name} outside ${f.group}`);
  }
  const headings = [...md.matchAll(/^#### (.+)$/gm)].map(m => m[1]);
  assert.deepEqual(headings, FLAG_GROUPS.filter(g => FLAGS.some(f => f.group === g)));
});

test('rows show type, printed default and implementation status; pipes are escaped', () => {
  const spec: FlagSpec = { name: 'x-flag', type: 'string', group: 'Generic', default: 'a|b', description: 'Uses | pipes.', implemented: false, deprecated: 'gone soon' };
  const md = renderFlagsSection([spec, { ...spec, name: 'y-flag', type: 'bool', default: undefined, implemented: true }]);
  assert.match(md, /^2 flags \(upstream kube-apiserver v1\.32\), 1 implemented\./);
  assert.ok(md.includes('| `--x-flag` | string | `"a\\|b"` | accepted, warns | Uses \\| pipes. Deprecated: gone soon. |'), md);
  assert.ok(md.includes('| `--y-flag` | bool |  | yes |'), md);
});

test('this server\'s own flags are counted apart from upstream\'s and marked', () => {
  const spec: FlagSpec = { name: 'x-flag', type: 'int', group: 'Generic', description: 'Something of ours.', implemented: true, own: true };
  const md = renderFlagsSection([spec, { ...spec, name: 'y-flag', own: false }]);
  assert.match(md, /^1 flags \(upstream kube-apiserver v1\.32\) plus 1 of this server's own, 2 implemented\./);
  assert.ok(md.includes('| `--x-flag` | int |  | yes | Something of ours. This server\'s own flag, not upstream\'s. |'), md);
  assert.ok(md.includes('| `--y-flag` | int |  | yes | Something of ours. |'), md);
});

test('replaceGeneratedSection keeps the hand-written text and needs both markers', () => {
  const doc = `intro\n${BEGIN_MARKER}\nold\n${END_MARKER}\noutro\n`;
  assert.equal(replaceGeneratedSection(doc, 'new'), `intro\n${BEGIN_MARKER}\nnew\n${END_MARKER}\noutro\n`);
  assert.throws(() => replaceGeneratedSection('no markers', 'new'), /markers not found/);
});

test('docs/OPERATING.md is current (run `make flags-doc` to update)', () => {
  const doc = readFileSync(OPERATING_DOC, 'utf8');
  assert.equal(doc, replaceGeneratedSection(doc, renderFlagsSection()), 'docs/OPERATING.md flag tables are stale: run `make flags-doc`');
});
