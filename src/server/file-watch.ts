// Calls back when any of a set of files may have changed: inotify on their directories (which
// also sees atomic renames and the symlink swaps of mounted Secrets) plus a periodic resync, as
// upstream's dynamic file content controllers do. The callback compares content itself.
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import { log } from '../observability/logger.js';

export function watchFiles(files: readonly string[], onChange: () => void, resyncMs = 60_000): () => void {
  let timer: NodeJS.Timeout | undefined;
  const trigger = () => {
    // Writers often truncate then write; wait for the burst to settle.
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => { timer = undefined; onChange(); }, 200);
    timer.unref();
  };
  const watchers: FSWatcher[] = [];
  const names = new Set(files.map(f => basename(f)));
  // Other files in the directory (an audit log, say) do not matter; `..data`-style names are the
  // atomic-writer directories of mounted Secrets and ConfigMaps.
  const relevant = (_event: string, name: string | Buffer | null) => {
    const n = name === null ? null : String(name);
    if (n === null || names.has(n) || n.startsWith('..')) trigger();
  };
  for (const dir of new Set(files.map(f => dirname(f)))) {
    try {
      const w = watch(dir, { persistent: false }, relevant);
      w.on('error', e => log.v(2).info('Directory watch failed; relying on the periodic resync', { dir, err: String(e) }));
      watchers.push(w);
    } catch (e) {
      log.v(2).info('Cannot watch directory; relying on the periodic resync', { dir, err: String(e) });
    }
  }
  const resync = setInterval(onChange, resyncMs);
  resync.unref();
  return () => {
    for (const w of watchers) w.close();
    clearInterval(resync);
    if (timer) clearTimeout(timer);
  };
}
