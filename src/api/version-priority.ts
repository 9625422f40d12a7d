// Upstream's CompareKubeAwareVersionStrings (apimachinery/pkg/version): GA before beta before
// alpha, then the higher major, then the higher minor; versions that are not of the form
// v<major>[alpha|beta<minor>] come after all of those, in lexical order. Discovery lists a CRD
// group's versions this way and prefers the first.

const KUBE_VERSION = /^v(\d+)(?:(alpha|beta)(\d+))?$/;
const TYPE_RANK = { alpha: 0, beta: 1, ga: 2 } as const;

function parse(v: string): { major: number; type: number; minor: number } | undefined {
  const m = KUBE_VERSION.exec(v);
  if (!m) return undefined;
  const type = m[2] === 'alpha' ? TYPE_RANK.alpha : m[2] === 'beta' ? TYPE_RANK.beta : TYPE_RANK.ga;
  return { major: Number(m[1]), type, minor: m[3] === undefined ? 0 : Number(m[3]) };
}

/** Positive when a has the higher priority. */
export function compareKubeAwareVersions(a: string, b: string): number {
  if (a === b) return 0;
  const pa = parse(a);
  const pb = parse(b);
  if (!pa && !pb) return a < b ? 1 : -1;
  if (!pa) return -1;
  if (!pb) return 1;
  return pa.type - pb.type || pa.major - pb.major || pa.minor - pb.minor;
}

/** Highest priority first. */
export function sortByKubeAwareVersion(versions: string[]): string[] {
  return [...versions].sort((a, b) => compareKubeAwareVersions(b, a));
}
