// The kube-apiserver entrypoint: parse upstream's flags, build the server, run until
// SIGTERM/SIGINT, then shut down gracefully.
import { isStorageError } from '../storage/errors.js';
import { log, setVerbosity } from '../observability/logger.js';
import { buildOptions, optionWarnings, setButNotImplemented, unimplementedAdmissionPlugins, usage, validateOptions, type Options } from '../options/options.js';
import { FlagError, parseFlags } from '../options/parse.js';
import type { ServerConfig } from '../server/run.js';
import { servingCertFiles } from '../server/pki.js';
import { reportServing, superviseWorkers, workerCount, workerIndex } from '../server/workers.js';
import { toServerConfig } from './server-config.js';
import { versionInfo } from '../server/version.js';

async function main(argv: string[]): Promise<number> {
  let options: Options;
  let config: ServerConfig;
  let workers: number;
  const worker = workerIndex();
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
    // Workers parse the same flags again; the primary has already warned about them.
    if (worker === undefined) {
      for (const name of setButNotImplemented(parsed)) log.warn(`Flag --${name} is accepted but not implemented yet; it has no effect`);
      for (const w of optionWarnings(options)) log.warn(w);
      const missing = unimplementedAdmissionPlugins(options);
      if (missing.length > 0) log.warn(`Admission plugins enabled but not implemented yet; they admit every request: ${missing.join(', ')}`);
    }
    config = toServerConfig(options);
    workers = workerCount(options.raw.number('worker-processes'));
  } catch (e) {
    if (e instanceof FlagError) {
      process.stderr.write(`Error: ${e.message}\n`);
      return 1;
    }
    throw e;
  }

  if (worker === undefined && workers > 1) {
    // One self-signed pair for all, before the workers race to make their own.
    await servingCertFiles(config);
    return superviseWorkers({ count: workers, drainTimeoutMs: config.shutdownDelayMs + 60_000 });
  }
  if (worker !== undefined) config.workerIndex = worker;
  // Loaded only where it serves: the --worker-processes primary stays small.
  const { startServer } = await import('../server/run.js');
  const server = await startServer(config);
  if (worker !== undefined) reportServing();
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
