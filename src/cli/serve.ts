import { parseArgs } from 'node:util';
import { ConfigError, ENV_VARS, loadConfig, type ConfigInput } from '../config/load.js';
import { DEFAULTS } from '../config/defaults.js';
import { startServer } from '../server.js';

export const SERVE_HELP = `tribune serve — run a Tribune origin (control API, stage media, LL-HLS) in one process

Usage: tribune serve [options]

Options (each also from the environment variable shown; flags win):
  --port <n>              HTTP port                                [TRIBUNE_PORT, default ${DEFAULTS.port}]
  --host <addr>           HTTP address to bind                     [TRIBUNE_HOST, default ${DEFAULTS.host}]
  --data-dir <dir>        SQLite database, recordings, secret      [TRIBUNE_DATA_DIR, default ${DEFAULTS.dataDir}]
  --public-url <url>      Base of the URLs Tribune hands out, e.g. https://live.example.org
                          (default: paths, relative to the address the client used) [TRIBUNE_PUBLIC_URL]
  --udp-port <n>          The one UDP port of every WebRTC session  [TRIBUNE_UDP_PORT, default ${DEFAULTS.stage.udpPort}]
  --advertise <a,b>       Addresses to announce in SDP answers (public IPs behind NAT)
                                                                   [TRIBUNE_ADVERTISED_ADDRESSES]
  --ice-server <url>      A STUN/TURN URL offered to WHIP/WHEP clients; repeatable
  --max-on-stage <n>      People on a stage, host and co-hosts included [TRIBUNE_MAX_ON_STAGE, default ${DEFAULTS.stage.maxOnStage}]
  --program-bitrate <b/s> Opus bit rate of the programme listeners hear  [TRIBUNE_PROGRAM_BITRATE, default ${DEFAULTS.stage.programBitrate}]
  --retention-days <n>    Days a replay is kept after a Space ends  [TRIBUNE_RETENTION_DAYS, default ${DEFAULTS.audience.retentionDays}]
  --backup-edge-url <url> Another edge in front of these origins, e.g. https://edge-b.example.org:
                          players fail over to it (repeat for more)  [TRIBUNE_BACKUP_EDGE_URLS, comma-separated]
  --log-level <level>     fatal, error, warn, info, debug, trace or silent [TRIBUNE_LOG_LEVEL, default ${DEFAULTS.logLevel}]
  --trust-proxy <a,b>     Proxies whose X-Forwarded-For is believed: addresses or CIDRs of your edges
                          (e.g. 10.0.0.0/8, or loopback); the client is the right-most address not
                          in the list. Unset: the TCP peer is the client  [TRIBUNE_TRUST_PROXY]
  --metrics-token <t>     Bearer token /metrics asks for (16+ characters); unset, /metrics answers
                          only local scrapers connecting directly (loopback) [TRIBUNE_METRICS_TOKEN]
  --waiting-room <mode>   The waiting room before WHEP listening, registering, asking: on, off, or
                          auto (open while under-attack mode is on) [TRIBUNE_WAITING_ROOM, default ${DEFAULTS.waitingRoom.setting}]
  --room-active-users <n> Users admitted at once                   [TRIBUNE_ROOM_ACTIVE_USERS, default ${DEFAULTS.waitingRoom.totalActiveUsers}]
  --room-users-per-minute <n>
                          Admissions in any minute                 [TRIBUNE_ROOM_USERS_PER_MINUTE, default ${DEFAULTS.waitingRoom.newUsersPerMinute}]

Cluster mode (several origins; all four, or none for the embedded default; see docs/cluster.md):
  --database-url <url>    PostgreSQL, the source of truth, e.g. postgres://tribune@db/tribune
                          (?schema=<name> keeps the tables in a schema of their own) [TRIBUNE_DATABASE_URL]
  --redis-url <url>       Redis: the bus and the merged counters, e.g. redis://cache:6379 [TRIBUNE_REDIS_URL]
  --origin-id <id>        This origin's name in the cluster          [TRIBUNE_ORIGIN_ID, default: host name]
  --internal-url <url>    Where other origins reach this one, e.g. http://10.0.0.5:8080 [TRIBUNE_INTERNAL_URL]
  --lease-ttl-ms <ms>     How long a Space without a standby waits after its origin dies
                          before another takes it                  [TRIBUNE_LEASE_TTL_MS, default ${DEFAULTS.cluster.leaseTtlMs}]
  -h, --help              This help

TRIBUNE_UNDER_ATTACK (on, off, auto; default auto) and TRIBUNE_SHED_EVENT_LOOP_MS (default 200) set the
defences of docs/security.md; TRIBUNE_ROOM_SESSION_MINUTES (default ${DEFAULTS.waitingRoom.sessionMinutes}) and
TRIBUNE_ROOM_TICKET_MINUTES (default ${DEFAULTS.waitingRoom.ticketMinutes}) the waiting room's session and ticket lifetimes.
TRIBUNE_SECRET signs listener tokens; when unset, one is generated once into the data directory.
TRIBUNE_WRITES_PER_SECOND caps Space creations and edits per client address (default 5/s).
TRIBUNE_REDIS_PREFIX starts every Redis key of the deployment (default ${DEFAULTS.cluster.redisPrefix}).

Examples:
  tribune serve                                   # http://localhost:${DEFAULTS.port}, data in ./data
  tribune serve --port 9000 --data-dir /var/lib/tribune --public-url https://live.example.org
  tribune serve --database-url postgres://db/tribune --redis-url redis://cache:6379 \\
                --origin-id o1 --internal-url http://10.0.0.5:8080
`;

const OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  'data-dir': { type: 'string' },
  'public-url': { type: 'string' },
  'udp-port': { type: 'string' },
  advertise: { type: 'string' },
  'ice-server': { type: 'string', multiple: true },
  'max-on-stage': { type: 'string' },
  'program-bitrate': { type: 'string' },
  'retention-days': { type: 'string' },
  'backup-edge-url': { type: 'string', multiple: true },
  'log-level': { type: 'string' },
  'trust-proxy': { type: 'string' },
  'metrics-token': { type: 'string' },
  'waiting-room': { type: 'string' },
  'room-active-users': { type: 'string' },
  'room-users-per-minute': { type: 'string' },
  'database-url': { type: 'string' },
  'redis-url': { type: 'string' },
  'origin-id': { type: 'string' },
  'internal-url': { type: 'string' },
  'lease-ttl-ms': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Integers stay strings when malformed, so the schema reports them with the flag's value. */
function integer(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  return /^\d+$/.test(raw) ? Number(raw) : (raw as unknown as number);
}

export function parseServeFlags(argv: string[]): { flags: ConfigInput; help: boolean } {
  const { values } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false });
  const stage: Record<string, unknown> = {};
  if (values['udp-port'] !== undefined) stage.udpPort = integer(values['udp-port']);
  if (values.advertise !== undefined) stage.advertisedAddresses = values.advertise.split(',').map((s) => s.trim()).filter(Boolean);
  if (values['ice-server'] !== undefined) stage.iceServers = values['ice-server'];
  if (values['max-on-stage'] !== undefined) stage.maxOnStage = integer(values['max-on-stage']);
  if (values['program-bitrate'] !== undefined) stage.programBitrate = integer(values['program-bitrate']);
  const cluster = {
    databaseUrl: values['database-url'], redisUrl: values['redis-url'], originId: values['origin-id'], internalUrl: values['internal-url'],
    leaseTtlMs: integer(values['lease-ttl-ms']),
  };
  const room = {
    setting: values['waiting-room'] as 'on' | 'off' | 'auto' | undefined,
    totalActiveUsers: integer(values['room-active-users']), newUsersPerMinute: integer(values['room-users-per-minute']),
  };
  const flags: ConfigInput = {
    port: integer(values.port),
    host: values.host,
    dataDir: values['data-dir'],
    publicUrl: values['public-url'],
    ...(values['trust-proxy'] !== undefined ? { trustProxy: values['trust-proxy'].split(',').map((a) => a.trim()).filter(Boolean) } : {}),
    metricsToken: values['metrics-token'],
    logLevel: values['log-level'] as ConfigInput['logLevel'],
    ...(Object.keys(stage).length ? { stage: stage as ConfigInput['stage'] } : {}),
    ...(values['retention-days'] !== undefined || values['backup-edge-url'] !== undefined ? {
      audience: {
        ...(values['retention-days'] !== undefined ? { retentionDays: integer(values['retention-days'])! } : {}),
        ...(values['backup-edge-url'] !== undefined ? { backupEdgeUrls: values['backup-edge-url'] } : {}),
      },
    } : {}),
    ...(Object.values(cluster).some((v) => v !== undefined) ? { cluster } : {}),
    ...(Object.values(room).some((v) => v !== undefined) ? { waitingRoom: room } : {}),
  };
  return { flags, help: values.help ?? false };
}

export async function serve(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseServeFlags>;
  try {
    parsed = parseServeFlags(argv);
  } catch (err) {
    process.stderr.write(`tribune serve: ${(err as Error).message}\nRun 'tribune serve --help' for the options.\n`);
    return 2;
  }
  if (parsed.help) {
    process.stdout.write(SERVE_HELP);
    return 0;
  }
  let config;
  try {
    config = loadConfig({ env: process.env, flags: parsed.flags });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`tribune serve: ${err.message}\nEnvironment variables read: ${Object.keys(ENV_VARS).join(', ')}\n`);
      return 2;
    }
    throw err;
  }
  const server = await startServer(config, {
    logger: { level: config.logLevel, redact: ['req.headers.authorization', 'req.headers.cookie'] },
  });
  const shown = config.publicUrl ?? server.url;
  process.stdout.write(`Tribune is live on ${shown}  (data: ${config.dataDir}, WebRTC UDP ${server.stageMedia?.udpPort ?? '-'})\n`);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      process.stdout.write(`\n${signal}: draining and closing…\n`);
      // A close that hangs (a stuck peer, a full disk) must not keep an orchestrator waiting forever.
      const force = setTimeout(() => {
        process.stderr.write('tribune serve: could not close within 10 s; exiting anyway\n');
        process.exit(1);
      }, 10_000);
      force.unref();
      server.close().then(resolve, (err) => { process.stderr.write(`${String(err)}\n`); resolve(); });
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  return 0;
}
