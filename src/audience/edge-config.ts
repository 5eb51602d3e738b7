import { readFileSync } from 'node:fs';

/** Values for deploy/nginx/edge.conf. Ports and directories are chosen by the caller. */
export interface EdgeConfigParams {
  /** `host:port` (or port) nginx listens on. */
  readonly listen: string;
  /** `host:port` of each origin; any origin answers any request. */
  readonly origins: readonly string[];
  readonly cacheDir: string;
  readonly tempDir: string;
  readonly accessLog?: string;
  /** e.g. 'root' when nginx runs as root in a test; omitted: no user directive. */
  readonly user?: string;
  readonly workerProcesses?: number | 'auto';
  readonly workerConnections?: number;
  readonly cacheZone?: string;
  readonly cacheMaxSize?: string;
  /** Must exceed the origin's blocking timeout (AudienceOptions.blockingTimeoutMs). */
  readonly lockTimeout?: string;
  /** API writes (POST, PUT, PATCH, DELETE) per client address, nginx rate syntax, and their burst. */
  readonly writesRate?: string;
  readonly writesBurst?: number;
  /** Logins, registrations and listener tokens per client address. */
  readonly authRate?: string;
  readonly authBurst?: number;
  /** WHIP/WHEP offers per client address. */
  readonly offersRate?: string;
  readonly offersBurst?: number;
  /** Open connections per client address (a carrier NAT puts many listeners behind one). */
  readonly connectionsPerAddress?: number;
  /**
   * TLS (PEM files): the edge then speaks HTTPS, and HTTP/2 to browsers, whose HPACK sends the
   * headers a player's requests repeat several times a second as a few bytes each.
   */
  readonly tls?: { readonly certificate: string; readonly key: string };
}

export const EDGE_DEFAULTS = {
  workerProcesses: 'auto',
  workerConnections: 16_384,
  cacheZone: '32m',
  cacheMaxSize: '1g',
  lockTimeout: '8s',
  writesRate: '20r/s',
  writesBurst: 40,
  authRate: '30r/m',
  authBurst: 10,
  offersRate: '2r/s',
  offersBurst: 10,
  connectionsPerAddress: 256,
} as const;

const TEMPLATE_URL = new URL('../../deploy/nginx/edge.conf', import.meta.url);
const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/;
const RATE = /^\d{1,6}r\/[sm]$/;

function check(ok: boolean, message: string): void {
  if (!ok) throw new TypeError(`edge config: ${message}`);
}

function listenDirectives(listen: string, tls: EdgeConfigParams['tls']): string {
  if (!tls) return `        listen ${listen} reuseport;`;
  return [
    `        listen ${listen} ssl http2 reuseport;`,
    `        ssl_certificate ${tls.certificate};`,
    `        ssl_certificate_key ${tls.key};`,
    '        ssl_protocols TLSv1.2 TLSv1.3;',
    // Resumed sessions: a listener's phone that comes back skips the full handshake.
    '        ssl_session_cache shared:tribune_tls:16m;',
    '        ssl_session_timeout 4h;',
  ].join('\n');
}

export function renderEdgeConfig(params: EdgeConfigParams, template = readFileSync(TEMPLATE_URL, 'utf8')): string {
  const p = { ...EDGE_DEFAULTS, ...Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined)) } as Required<EdgeConfigParams>;
  check(p.origins.length > 0, 'at least one origin');
  for (const o of p.origins) check(HOST_PORT.test(o), `origin ${JSON.stringify(o)} is not host:port`);
  check(/^(\d{1,5}|[^\s;{}]+:\d{1,5})$/.test(p.listen), `listen ${JSON.stringify(p.listen)} is not [addr:]port`);
  for (const r of [p.writesRate, p.authRate, p.offersRate]) check(RATE.test(r), `rate ${JSON.stringify(r)} is not like 10r/s or 30r/m`);
  for (const d of [p.cacheDir, p.tempDir]) check(/^[^\s;{}]+$/.test(d), `directory ${JSON.stringify(d)} has spaces or nginx syntax`);
  if (params.tls) for (const f of [params.tls.certificate, params.tls.key]) check(/^[^\s;{}]+$/.test(f), `file ${JSON.stringify(f)} has spaces or nginx syntax`);
  const values: Record<string, string> = {
    LISTEN_DIRECTIVES: listenDirectives(p.listen, params.tls),
    UPSTREAM_SERVERS: p.origins.map((o) => `        server ${o} max_fails=1 fail_timeout=3s;`).join('\n'),
    CACHE_DIR: p.cacheDir,
    TEMP_DIR: p.tempDir,
    ACCESS_LOG: p.accessLog ? `${p.accessLog} tribune` : 'off',
    USER_DIRECTIVE: p.user ? `user ${p.user};` : '',
    WORKER_PROCESSES: String(p.workerProcesses),
    WORKER_CONNECTIONS: String(p.workerConnections),
    CACHE_ZONE: p.cacheZone,
    CACHE_MAX_SIZE: p.cacheMaxSize,
    LOCK_TIMEOUT: p.lockTimeout,
    WRITES_RATE: p.writesRate,
    WRITES_BURST: String(p.writesBurst),
    AUTH_RATE: p.authRate,
    AUTH_BURST: String(p.authBurst),
    OFFERS_RATE: p.offersRate,
    OFFERS_BURST: String(p.offersBurst),
    CONNECTIONS_PER_ADDRESS: String(p.connectionsPerAddress),
  };
  return template.replace(/\{\{([A-Z_]+)\}\}/g, (whole, key: string) => {
    const v = values[key];
    if (v === undefined) throw new TypeError(`edge.conf: no value for ${whole}`);
    return v;
  });
}
