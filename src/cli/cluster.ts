import { parseArgs } from 'node:util';
import { isTribuneError, TribuneError } from '../errors/catalogue.js';
import { LOCAL_CLUSTER_LIMITS, startLocalCluster, validateLocalClusterOptions } from '../local-cluster/local-cluster.js';
import { thisTribune } from '../local-cluster/origin-process.js';

const DEFAULT_DATABASE_URL = 'postgres://127.0.0.1:5432/postgres';
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export const CLUSTER_HELP = `tribune cluster — a cluster of N origins and the nginx edge on this machine, in one command

Usage: tribune cluster [--origins <n>] [options]

Starts N 'tribune serve' origins on loopback (ids o1…oN, ports P+1…P+N, one shared TRIBUNE_SECRET
generated for the run) on PostgreSQL and Redis, each run in a fresh schema and key prefix, and the
shipped nginx edge ('tribune edge-config') on port P in front of them. Prints the URLs, then runs until
Ctrl-C or SIGTERM: every origin drains, nginx stops, the schema and keys are dropped (unless --keep).
For trying cluster mode and its failures on one machine; production origins run on machines of their
own (docs/cluster.md).

Options:
  --origins <n>         Origins to start, ${LOCAL_CLUSTER_LIMITS.minOrigins} to ${LOCAL_CLUSTER_LIMITS.maxOrigins} (default 3)
  --port <p>            The edge's port; the origins take the next N ports (default 8080)
  --database-url <url>  PostgreSQL (TRIBUNE_DATABASE_URL, default ${DEFAULT_DATABASE_URL})
  --redis-url <url>     Redis (TRIBUNE_REDIS_URL, default ${DEFAULT_REDIS_URL})
  --data-dir <dir>      Where the origins' data directories and the edge's files go
                        (default: a temporary directory, removed at exit)
  --keep                Keep the schema, the keys and the data directory at exit
  --nginx <path>        The nginx binary (default: nginx on the PATH, else /usr/sbin/nginx)
  --log-level <level>   The origins' log level; their lines are printed with their id (default warn)
  -h, --help            This help

Example:
  tribune cluster --origins 3
  # then: kill -9 one origin (its pid is printed) and watch GET /api/v1/cluster move its Spaces
`;

const OPTIONS = {
  origins: { type: 'string' }, port: { type: 'string' }, 'database-url': { type: 'string' }, 'redis-url': { type: 'string' },
  'data-dir': { type: 'string' }, keep: { type: 'boolean' }, nginx: { type: 'string' }, 'log-level': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const LOG_LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/** Integers only: '3x' or '2.5' must not become 3 or 2. */
const integer = (raw: string): number => (/^\d{1,6}$/.test(raw) ? Number(raw) : Number.NaN);

export async function cluster(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (err) {
    process.stderr.write(`tribune cluster: ${(err as Error).message}\nRun 'tribune cluster --help' for the options.\n`);
    return 2;
  }
  if (values.help) { process.stdout.write(CLUSTER_HELP); return 0; }
  const options = {
    origins: integer(values.origins ?? '3'),
    port: integer(values.port ?? '8080'),
    databaseUrl: values['database-url'] ?? process.env.TRIBUNE_DATABASE_URL ?? DEFAULT_DATABASE_URL,
    redisUrl: values['redis-url'] ?? process.env.TRIBUNE_REDIS_URL ?? DEFAULT_REDIS_URL,
  };
  const logLevel = values['log-level'] ?? 'warn';
  try {
    for (const [flag, raw] of [['origins', values.origins], ['port', values.port]] as const) {
      if (raw !== undefined && !/^\d{1,6}$/.test(raw)) throw new TribuneError('LOCAL_CLUSTER_FLAG_INVALID', { detail: `--${flag} must be a whole number, got '${raw}'` });
    }
    validateLocalClusterOptions(options);
    if (!LOG_LEVELS.has(logLevel)) throw new Error(`--log-level must be one of ${[...LOG_LEVELS].join(', ')}`);
  } catch (err) {
    const code = isTribuneError(err) ? ` [${err.code}]` : '';
    process.stderr.write(`tribune cluster: ${(err as Error).message.replace(/^tribune cluster: /, '')}${code}\nRun 'tribune cluster --help' for the options.\n`);
    return 2;
  }

  process.stdout.write(`Starting ${options.origins} origin(s) and the edge…\n`);
  let running;
  try {
    running = await startLocalCluster({
      ...options, command: thisTribune(), logLevel, keep: values.keep ?? false,
      ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
      ...(values.nginx ? { nginx: values.nginx } : {}),
      onOutput: (id, chunk) => {
        for (const line of chunk.split('\n')) if (line.trim() && !line.startsWith('Tribune is live on')) process.stderr.write(`[${id}] ${line}\n`);
      },
      onOriginExit: (id, how) => process.stdout.write(`${id} exited (${how.signal ?? `code ${how.code}`}): its Spaces move to the others within about 6 s.\n`),
    });
  } catch (err) {
    if (isTribuneError(err)) { process.stderr.write(`tribune cluster: ${err.message} [${err.code}]\n`); return 1; }
    throw err;
  }
  const c = running;
  const lines = [
    '',
    `Edge (nginx)       ${c.edgeUrl}  (pid ${c.edge.masterPid})`,
    ...c.origins.map((o) => `Origin ${o.id.padEnd(11)} ${o.url}  (pid ${o.pid})`),
    `Cluster view       ${c.edgeUrl}/api/v1/cluster  (an admin's bearer token; make one with:`,
    `                   tribune admin create <handle> --database-url '${c.databaseUrl}')`,
    `Schema, key prefix ${c.schema}, ${c.redisPrefix}${values.keep ? '  (kept at exit)' : '  (dropped at exit)'}`,
    `Data               ${c.dataDir}`,
    '',
    `Kill one and watch: start a Space through the edge, then kill -9 ${c.origins[0]!.pid} (${c.origins[0]!.id}) and GET ${c.edgeUrl}/api/v1/cluster: another origin runs it within ~6 s.`,
    'Ctrl-C drains every origin, stops nginx and exits.',
    '',
  ];
  process.stdout.write(lines.join('\n'));
  const signal = await new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  process.stdout.write(`\n${signal}: draining ${c.origins.length} origin(s), then stopping nginx…\n`);
  await c.stop();
  process.stdout.write(values.keep ? `Stopped; kept schema ${c.schema}, prefix ${c.redisPrefix}, ${c.dataDir}.\n` : 'Stopped; schema, keys and files removed.\n');
  return 0;
}
