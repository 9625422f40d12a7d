// The repository root: the nearest directory above the running script with a package.json
// (the scripts run from dist/hack/).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function repoRoot(scriptUrl: string): string {
  let dir = dirname(fileURLToPath(scriptUrl));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${fileURLToPath(scriptUrl)}`);
    dir = parent;
  }
  return dir;
}
