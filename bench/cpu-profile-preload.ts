// Loaded with NODE_OPTIONS="--import ./dist/bench/cpu-profile-preload.js" (Node refuses --cpu-prof
// there): each SIGUSR2 toggles a V8 CPU profile of this process; stopping writes it as
// <CPU_PROFILE_DIR or the cwd>/<pid>-<n>.cpuprofile, for Chrome DevTools or bench/profile-top.
// read-cpu.ts sends the signals around each timed row when BENCH_PROFILE=1.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

let session: Session | undefined;
let n = 0;

process.on('SIGUSR2', () => {
  if (!session) {
    session = new Session();
    session.connect();
    session.post('Profiler.enable', () => session!.post('Profiler.start'));
    return;
  }
  const s = session;
  session = undefined;
  s.post('Profiler.stop', (err, res) => {
    if (!err) writeFileSync(join(process.env.CPU_PROFILE_DIR ?? process.cwd(), `${process.pid}-${++n}.cpuprofile`), JSON.stringify(res.profile));
    s.disconnect();
  });
});
