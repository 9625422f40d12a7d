// Generates the "Supported flags" tables of docs/OPERATING.md from src/options/flag-table.ts:
//   node dist/hack/flags-doc.js           rewrite the generated section in place
//   node dist/hack/flags-doc.js --check   exit 1 if the section is out of date
// Only the text between the BEGIN/END markers is generated; the rest of the doc is hand-written.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FLAG_GROUPS, FLAGS, helpType, printedDefault, type FlagSpec } from '../src/options/flag-table.js';

export const BEGIN_MARKER = '<!-- BEGIN GENERATED FLAGS: run `make flags-doc` (hack/flags-doc.ts) to update -->';
export const END_MARKER = '<!-- END GENERATED FLAGS -->';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function row(spec: FlagSpec): string {
  const type = helpType(spec) || 'bool';
  const def = printedDefault(spec);
  const status = spec.implemented ? 'yes' : 'accepted, warns';
  const notes = [spec.description];
  if (spec.deprecated) notes.push(`Deprecated: ${spec.deprecated}.`);
  if (spec.hidden) notes.push('Hidden from --help.');
  if (spec.own) notes.push('This server\'s own flag, not upstream\'s.');
  const flag = spec.shorthand ? `\`-${spec.shorthand}\`, \`--${spec.name}\`` : `\`--${spec.name}\``;
  return `| ${flag} | ${type} | ${def === undefined ? '' : `\`${cell(def)}\``} | ${status} | ${cell(notes.join(' '))} |`;
}

/** The generated markdown: a summary line and one table per upstream help section. */
export function renderFlagsSection(flags: readonly FlagSpec[] = FLAGS): string {
  const implemented = flags.filter(f => f.implemented).length;
  const own = flags.filter(f => f.own).length;
  const out: string[] = [
    `${flags.length - own} flags (upstream kube-apiserver v1.32)${own > 0 ? ` plus ${own} of this server's own` : ''}, ${implemented} implemented. ` +
      'The others are parsed and validated like upstream and log a warning at start-up when set.',
  ];
  for (const group of FLAG_GROUPS) {
    const inGroup = flags.filter(f => f.group === group).sort((a, b) => a.name.localeCompare(b.name));
    if (inGroup.length === 0) continue;
    out.push('', `#### ${group}`, '', '| Flag | Type | Default | Implemented | Description |', '|---|---|---|---|---|');
    out.push(...inGroup.map(row));
  }
  return out.join('\n');
}

/** Replaces the text between the markers of `doc` with `section`; throws if the markers are missing. */
export function replaceGeneratedSection(doc: string, section: string): string {
  const begin = doc.indexOf(BEGIN_MARKER);
  const end = doc.indexOf(END_MARKER);
  if (begin < 0 || end < begin) throw new Error(`markers not found: ${BEGIN_MARKER} ... ${END_MARKER}`);
  return `${doc.slice(0, begin + BEGIN_MARKER.length)}\n${section}\n${doc.slice(end)}`;
}

export const OPERATING_DOC = resolve(fileURLToPath(new URL('../../docs/OPERATING.md', import.meta.url)));

function main(): void {
  const current = readFileSync(OPERATING_DOC, 'utf8');
  const wanted = replaceGeneratedSection(current, renderFlagsSection());
  if (process.argv.includes('--check')) {
    if (current !== wanted) {
      console.error(`${OPERATING_DOC} is out of date: run \`make flags-doc\``);
      process.exit(1);
    }
    return;
  }
  if (current !== wanted) writeFileSync(OPERATING_DOC, wanted);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
