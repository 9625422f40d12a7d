/** --help text laid out as upstream's cobra/pflag help: one section per flag group. */
import { FLAG_GROUPS, FLAGS, helpType, printedDefault, type FlagSpec } from './flag-table.js';

const SYNOPSIS = `kube-apiserver-ts serves the Kubernetes API: it validates and stores API objects
(pods, services, deployments and the rest) in etcd and is the front end through which
every other cluster component reads and changes shared state.`;

/** One pflag usage line before alignment: [flag and type column, description]. */
function usageLine(spec: FlagSpec): [string, string] {
  let left = spec.shorthand ? `  -${spec.shorthand}, --${spec.name}` : `      --${spec.name}`;
  const type = helpType(spec);
  if (type !== '') left += ` ${type}`;
  let text = spec.description;
  const def = printedDefault(spec);
  if (def !== undefined) text += ` (default ${def})`;
  if (spec.deprecated !== undefined) text += ` (DEPRECATED: ${spec.deprecated})`;
  return [left, text];
}

function section(flags: readonly FlagSpec[]): string {
  const lines = flags
    .filter(f => !f.hidden)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map(usageLine);
  const width = Math.max(...lines.map(([left]) => left.length));
  return lines.map(([left, text]) => `${left.padEnd(width)}   ${text}\n`).join('');
}

/** The full --help text. */
export function usage(): string {
  let out = `${SYNOPSIS}\n\nUsage:\n  kube-apiserver [flags]\n`;
  for (const group of FLAG_GROUPS) {
    const flags = FLAGS.filter(f => f.group === group && !f.hidden);
    if (flags.length > 0) out += `\n${group} flags:\n\n${section(flags)}`;
  }
  return out;
}
