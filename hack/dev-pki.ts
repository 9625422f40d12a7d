// Writes a kubeadm-like PKI tree for local development:
//   node dist/hack/dev-pki.js <dir> [--server-url https://127.0.0.1:6443]
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { writeDevPki } from '../src/testing/dev-pki.js';

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    options: { 'server-url': { type: 'string' } },
    allowPositionals: true,
  });
  if (positionals.length !== 1) {
    process.stderr.write('usage: node dist/hack/dev-pki.js <dir> [--server-url https://127.0.0.1:6443]\n');
    process.exit(2);
  }
  const paths = await writeDevPki(positionals[0], { serverUrl: values['server-url'] });
  process.stdout.write(`PKI in ${paths.dir}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
