// The kube-apiserver entrypoint: parse upstream's flags, build the server, run until
// SIGTERM/SIGINT, then shut down gracefully.
import { isStorageError } from '../storage/errors.js';
import { log, setVerbosity } from '../observability/logger.js';
import { buildOptions, optionWarnings, setButNotImplemented, unimplementedAdmissionPlugins, usage, validateOptions, type Options } from '../options/options.js';
import { FlagError, parseFlags } from '../options/parse.js';
import { startServer, type ServerConfig } from '../server/run.js';
import { toServerConfig } from './server-config.js';
import { versionInfo } from '../server/version.js';

async function main(argv: string[]): Promise<number> {
  let options: Options;
  let config: ServerConfig;
  try {
    const parsed = parseFlags(argv);
    options = buildOptions(parsed);
    if (options.help) {
      process.stdout.write(usage());
      return 0;
    }
    if (options.version !== 'false' && options.version !== '') {
      const info = versionInfo();
      process.stdout.write(options.version === 'raw' ? `${JSON.stringify(info, null, 2)}\n` : `Kubernetes ${info['gitVersion']}\n`);
      return 0;
    }
    setVerbosity(options.verbosity);
    const problems = validateOptions(options);
    if (problems.length > 0) {
      process.stderr.write(`Error: ${problems.join(', ')}\n`);
      return 1;
    }
    for (const name of setButNotImplemented(parsed)) log.warn(`Flag --${name} is accepted but not implemented yet; it has no effect`);
    for (const w of optionWarnings(options)) log.warn(w);
    const missing = unimplementedAdmissionPlugins(options);
    if (missing.length > 0) log.warn(`Admission plugins enabled but not implemented yet; they admit every request: ${missing.join(', ')}`);
    config = toServerConfig(options);
  } catch (e) {
    if (e instanceof FlagError) {
      process.stderr.write(`Error: ${e.message}\n`);
      return 1;
    }
    throw e;
  }

  const server = await startServer(config);
  await new Promise<void>(resolve => {
    const onSignal = (sig: string) => {
      log.info('Received shutdown signal', { signal: sig });
      resolve();
    };
    process.once('SIGTERM', () => onSignal('SIGTERM'));
    process.once('SIGINT', () => onSignal('SIGINT'));
  });
  await server.stop();
  return 0;
}

main(process.argv.slice(2)).then(
  code => process.exit(code),
  (e: unknown) => {
    // One line, as upstream's start-up errors; the stack only at --v=4 and above.
    const msg = isStorageError(e) ? `storage: ${e.message}` : e instanceof Error ? e.message : String(e);
    if (e instanceof Error && e.stack) log.v(4).info('start-up failed', { stack: e.stack });
    process.stderr.write(`Error: ${msg}\n`);
    process.exit(1);
  },
);
