// The kube-apiserver entrypoint: parse upstream's flags, build the server, run until
// SIGTERM/SIGINT, then shut down gracefully.
import { isStorageError } from '../storage/errors.js';
import { log, setVerbosity } from '../observability/logger.js';
import { buildOptions, optionWarnings, setButNotImplemented, usage, validateOptions, type Options } from '../options/options.js';
import { FlagError, parseFlags } from '../options/parse.js';
import { startServer, type ServerConfig } from '../server/run.js';
import { versionInfo } from '../server/version.js';

function toServerConfig(o: Options): ServerConfig {
  const optional = (v: string) => (v === '' ? undefined : v);
  const cfg: ServerConfig = {
    bindAddress: o.bindAddress,
    securePort: o.securePort,
    certDir: o.certDir,
    anonymousAuth: o.anonymousAuth,
    etcdServers: o.etcdServers,
    etcdPrefix: o.etcdPrefix,
    etcdCompactionIntervalMs: o.etcdCompactionIntervalMs,
    requestTimeoutSeconds: Math.round(o.requestTimeoutMs / 1000),
    minRequestTimeoutSeconds: o.minRequestTimeoutSeconds,
    maxRequestsInflight: o.maxRequestsInflight,
    maxMutatingRequestsInflight: o.maxMutatingRequestsInflight,
    shutdownDelayMs: o.raw.durationMs('shutdown-delay-duration'),
    hstsDirectives: [...o.raw.strings('strict-transport-security-directives')],
  };
  const set = <K extends keyof ServerConfig>(k: K, v: ServerConfig[K] | undefined) => { if (v !== undefined) cfg[k] = v; };
  set('advertiseAddress', optional(o.advertiseAddress));
  set('tlsCertFile', optional(o.tlsCertFile));
  set('tlsPrivateKeyFile', optional(o.tlsPrivateKeyFile));
  set('clientCaFile', optional(o.clientCaFile));
  set('etcdCafile', optional(o.etcdCafile));
  set('etcdCertfile', optional(o.etcdCertfile));
  set('etcdKeyfile', optional(o.etcdKeyfile));
  return cfg;
}

async function main(argv: string[]): Promise<number> {
  let options: Options;
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
  } catch (e) {
    if (e instanceof FlagError) {
      process.stderr.write(`Error: ${e.message}\n`);
      return 1;
    }
    throw e;
  }

  const server = await startServer(toServerConfig(options));
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
    const msg = isStorageError(e) ? `storage: ${e.message}` : e instanceof Error ? e.stack ?? e.message : String(e);
    process.stderr.write(`Error: ${msg}\n`);
    process.exit(1);
  },
);
