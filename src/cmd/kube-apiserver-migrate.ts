// kube-apiserver-migrate: copies every key under --etcd-prefix between etcd and the embedded sqlite
// file, for moving a dev cluster onto a real etcd (or back). Stop the API server first; the
// destination must be empty. Values are copied byte for byte (encrypted ones stay encrypted) and
// TTL keys keep the time they have left; resourceVersions start afresh, so clients relist.
//
//   kube-apiserver-migrate --from=sqlite --to=etcd --storage-sqlite-path=.dev/storage.db \
//     --etcd-servers=https://localhost:2379 --etcd-cafile=ca.crt --etcd-certfile=c.crt --etcd-keyfile=c.key
import { parseArgs } from 'node:util';
import { copyKeyspace, type Keyspace } from '../storage/migrate/keyspace.js';
import { etcdKeyspace } from '../storage/migrate/etcd-keyspace.js';
import { sqliteKeyspace } from '../storage/migrate/sqlite-keyspace.js';

const USAGE = `Usage: kube-apiserver-migrate --from=etcd|sqlite --to=sqlite|etcd [flags]

Copies every key under --etcd-prefix from one store to the other. Stop the API server first;
the destination must hold no keys under the prefix.

Flags:
  --from, --to             etcd or sqlite (one of each)
  --storage-sqlite-path    the sqlite database file (created if absent)
  --etcd-servers           etcd endpoints, comma separated
  --etcd-cafile, --etcd-certfile, --etcd-keyfile   etcd mTLS files
  --etcd-prefix            the key prefix to copy (default /registry)
`;

type Side = 'etcd' | 'sqlite';

interface MigrateArgs {
  from: Side;
  to: Side;
  prefix: string;
  sqlitePath: string;
  etcd: { endpoints: string[]; caFile?: string; certFile?: string; keyFile?: string };
}

export function parseMigrateArgs(argv: string[]): MigrateArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      from: { type: 'string' }, to: { type: 'string' },
      'storage-sqlite-path': { type: 'string' }, 'etcd-servers': { type: 'string' }, 'etcd-prefix': { type: 'string', default: '/registry' },
      'etcd-cafile': { type: 'string' }, 'etcd-certfile': { type: 'string' }, 'etcd-keyfile': { type: 'string' },
    },
  });
  const side = (name: 'from' | 'to'): Side => {
    const v = values[name];
    if (v !== 'etcd' && v !== 'sqlite') throw new Error(`--${name} must be etcd or sqlite`);
    return v;
  };
  const from = side('from');
  const to = side('to');
  if (from === to) throw new Error('--from and --to must differ');
  const sqlitePath = values['storage-sqlite-path'] ?? '';
  if (sqlitePath === '') throw new Error('--storage-sqlite-path must be specified');
  const endpoints = (values['etcd-servers'] ?? '').split(',').filter(s => s !== '');
  if (endpoints.length === 0) throw new Error('--etcd-servers must be specified');
  const optional = (v: string | undefined) => (v ? v : undefined);
  const caFile = optional(values['etcd-cafile']);
  const certFile = optional(values['etcd-certfile']);
  const keyFile = optional(values['etcd-keyfile']);
  // A prefix without its trailing slash would also copy /registry-other.
  const prefix = `${values['etcd-prefix']!.replace(/\/+$/, '')}/`;
  return { from, to, prefix, sqlitePath, etcd: { endpoints, ...(caFile ? { caFile } : {}), ...(certFile ? { certFile } : {}), ...(keyFile ? { keyFile } : {}) } };
}

/** Runs one migration; resolves with the number of keys copied. */
export async function migrate(args: MigrateArgs): Promise<number> {
  const open = (side: Side): Keyspace => (side === 'etcd' ? etcdKeyspace(args.etcd) : sqliteKeyspace(args.sqlitePath));
  const from = open(args.from);
  let to: Keyspace | undefined;
  try {
    to = open(args.to);
    return await copyKeyspace(from, to, args.prefix);
  } finally {
    await from.close();
    await to?.close();
  }
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  const args = parseMigrateArgs(argv);
  const copied = await migrate(args);
  const where = (side: Side) => (side === 'etcd' ? `etcd (${args.etcd.endpoints.join(',')})` : `sqlite (${args.sqlitePath})`);
  process.stdout.write(`copied ${copied} keys under ${args.prefix} from ${where(args.from)} to ${where(args.to)}\n`);
  return 0;
}

// Run only as the command, so tests can import parseMigrateArgs and migrate.
if (process.argv[1] && /kube-apiserver-migrate(\.js)?$/.test(process.argv[1])) {
  main(process.argv.slice(2)).then(
    code => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`Error: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}
