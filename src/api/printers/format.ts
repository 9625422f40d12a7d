// Cell formatting shared by several resource families (upstream printers.go helpers).
import type { Obj } from './read.js';
import { objs, str } from './read.js';

/** Names and images of the containers, each comma-joined (layoutContainerCells). */
export function containerCells(containers: unknown): { names: string; images: string } {
  const cs = objs(containers);
  return { names: cs.map(c => str(c.name)).join(','), images: cs.map(c => str(c.image)).join(',') };
}

/** The Containers and Images cells of a workload's pod template spec. */
export function templateCells(podSpec: Obj): { Containers: string; Images: string } {
  const { names, images } = containerCells(podSpec.containers);
  return { Containers: names, Images: images };
}

/** "True"/"False", or "<unset>" when absent (printBoolPtr). */
export function boolPtr(v: unknown): string {
  if (typeof v !== 'boolean') return '<unset>';
  return v ? 'True' : 'False';
}

/** Up to `max` entries, then " + N more..." (listWithMoreString); "<unset>" when empty. */
export function listWithMore(list: string[], total: number, max: number): string {
  const ret = list.slice(0, max).join(',');
  if (total > max) return `${ret} + ${total - max} more...`;
  return ret === '' ? '<unset>' : ret;
}

/** Go's net.JoinHostPort. */
export function joinHostPort(host: string, port: number | string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** A GroupKind as upstream prints it, lower-cased: "statefulset.apps", "pod". */
export function groupKindLower(apiVersion: string, kind: string): string {
  const slash = apiVersion.indexOf('/');
  const group = slash >= 0 ? apiVersion.slice(0, slash) : '';
  return (group ? `${kind}.${group}` : kind).toLowerCase();
}
