import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { watchFiles } from '../../src/server/file-watch.js';

let dir: string;
before(() => { dir = mkdtempSync(join(tmpdir(), 'kas-watch-')); });
after(() => { rmSync(dir, { recursive: true, force: true }); });

/** Counts callbacks; `next()` resolves on the next one (or fails after a generous wait). */
function counter() {
  let calls = 0;
  let waiter: (() => void) | undefined;
  return {
    onChange: () => { calls++; waiter?.(); },
    get calls() { return calls; },
    next: () => new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no change reported within 10 s')), 10_000);
      waiter = () => { clearTimeout(t); waiter = undefined; resolve(); };
    }),
  };
}

test('a write to a watched file is reported; other files in the directory are not', async () => {
  const cert = join(dir, 'tls.crt');
  writeFileSync(cert, 'a');
  const c = counter();
  const stop = watchFiles([cert], c.onChange);
  try {
    writeFileSync(join(dir, 'audit.log'), 'noise');
    await new Promise(r => setTimeout(r, 700));
    assert.equal(c.calls, 0, 'an unrelated file must not trigger a reload');
    const seen = c.next();
    writeFileSync(cert, 'b');
    await seen;
    assert.equal(c.calls, 1, 'a burst of writes is reported once');
  } finally {
    stop();
  }
});

test('a replaced file (rename over it) and a Secret-style ..data swap are reported', async () => {
  const sub = join(dir, 'secret');
  mkdirSync(join(sub, '..v1'), { recursive: true });
  writeFileSync(join(sub, '..v1', 'ca.crt'), 'v1');
  symlinkSync('..v1', join(sub, '..data'));
  symlinkSync(join('..data', 'ca.crt'), join(sub, 'ca.crt'));
  const key = join(dir, 'tls.key');
  writeFileSync(key, 'a');
  const c = counter();
  const stop = watchFiles([join(sub, 'ca.crt'), key], c.onChange);
  try {
    let seen = c.next();
    writeFileSync(join(dir, 'tls.key.tmp'), 'b');
    renameSync(join(dir, 'tls.key.tmp'), key);
    await seen;
    seen = c.next();
    mkdirSync(join(sub, '..v2'));
    writeFileSync(join(sub, '..v2', 'ca.crt'), 'v2');
    symlinkSync('..v2', join(sub, '..data_tmp'));
    renameSync(join(sub, '..data_tmp'), join(sub, '..data'));
    await seen;
  } finally {
    stop();
  }
});
