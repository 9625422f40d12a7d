// Retrying a check that depends on informers catching up (admission configuration objects reach
// the plugins a moment after they are written).
import assert from 'node:assert/strict';
import type { TestServer } from './server.js';

export async function eventually(s: TestServer, what: string, check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 50; i++) {
    if (await check()) return;
    await new Promise(r => setTimeout(r, 100));
  }
  assert.fail(`${what} never happened\n${s.logs().slice(-2000)}`);
}
