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
  /**
   * `host:port` of the streaming cache on this host (a varnishd running `renderVarnishConfig`'s VCL):
   * segments go there, unbuffered, so that a segment the origin is still producing is shared among
   * its listeners as it arrives. Omitted: nginx caches segments like any media, and the option's
   * lines are left out of the output entirely.
   */
  readonly streamCache?: string;
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

/**
 * The template's optional blocks: the lines between `{{#NAME}}` and `{{/NAME}}` (each marker alone on
 * its line) are kept when `on[NAME]`, and removed, markers included, otherwise, so that an option
 * left out leaves no trace in the output.
 */
function sections(template: string, on: Record<string, boolean>): string {
  return template.replace(/^\{\{#([A-Z_]+)\}\}\n([\s\S]*?)^\{\{\/\1\}\}\n/gm, (whole, name: string, body: string) => {
    if (!(name in on)) throw new TypeError(`edge.conf: unknown section ${JSON.stringify(name)}`);
    return on[name] ? body : '';
  });
}

function fill(template: string, values: Record<string, string>, file: string): string {
  return template.replace(/\{\{([A-Z_]+)\}\}/g, (whole, key: string) => {
    const v = values[key];
    if (v === undefined) throw new TypeError(`${file}: no value for ${whole}`);
    return v;
  });
}

export function renderEdgeConfig(params: EdgeConfigParams, template = readFileSync(TEMPLATE_URL, 'utf8')): string {
  const p = { ...EDGE_DEFAULTS, ...Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined)) } as Required<EdgeConfigParams>;
  check(p.origins.length > 0, 'at least one origin');
  for (const o of p.origins) check(HOST_PORT.test(o), `origin ${JSON.stringify(o)} is not host:port`);
  check(/^(\d{1,5}|[^\s;{}]+:\d{1,5})$/.test(p.listen), `listen ${JSON.stringify(p.listen)} is not [addr:]port`);
  for (const r of [p.writesRate, p.authRate, p.offersRate]) check(RATE.test(r), `rate ${JSON.stringify(r)} is not like 10r/s or 30r/m`);
  for (const d of [p.cacheDir, p.tempDir]) check(/^[^\s;{}]+$/.test(d), `directory ${JSON.stringify(d)} has spaces or nginx syntax`);
  if (params.tls) for (const f of [params.tls.certificate, params.tls.key]) check(/^[^\s;{}]+$/.test(f), `file ${JSON.stringify(f)} has spaces or nginx syntax`);
  if (params.streamCache !== undefined) check(HOST_PORT.test(params.streamCache), `stream cache ${JSON.stringify(params.streamCache)} is not host:port`);
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
    ...(params.streamCache === undefined ? {} : { STREAM_CACHE: params.streamCache }),
  };
  return fill(sections(template, { STREAM_CACHE: params.streamCache !== undefined }), values, 'edge.conf');
}

/** Values for deploy/varnish/edge.vcl, the streaming cache of segments beside nginx (`streamCache`). */
export interface VarnishConfigParams {
  /** `host:port` varnishd listens on: its `-a`, and nginx's `streamCache`. */
  readonly listen: string;
  /** `host:port` of each origin; any origin answers any request. */
  readonly origins: readonly string[];
  /** Where the VCL is kept, for the varnishd command printed in its header. */
  readonly vclPath?: string;
  /** varnishd's `-s` for the command printed in its header. */
  readonly storage?: string;
}

export const VARNISH_DEFAULTS = {
  vclPath: '/etc/varnish/tribune-edge.vcl',
  // A segment is ~9 KB (5 parts of ~1.8 KB): 256 MB holds ~28,000, 15 hours of one Space or the last
  // 9 minutes of a hundred; the least recently used go first, and are fetched again if asked.
  storage: 'malloc,256m',
} as const;

const VCL_TEMPLATE_URL = new URL('../../deploy/varnish/edge.vcl', import.meta.url);

/** The varnishd command line for this VCL, as Debian's varnish.service runs it (a jail, the CLI on localhost). */
export function varnishdCommand(params: VarnishConfigParams): string {
  const p = { ...VARNISH_DEFAULTS, ...Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined)) } as Required<VarnishConfigParams>;
  return `varnishd -j unix,user=vcache -F -a ${p.listen} -T localhost:6082 -S /etc/varnish/secret -f ${p.vclPath} -s ${p.storage}`;
}

/** `host:port` as a VCL backend's `.host` (an IPv6 address without its brackets) and `.port`. */
function splitHostPort(hostPort: string): { host: string; port: string } {
  const at = hostPort.lastIndexOf(':');
  const host = hostPort.slice(0, at);
  return { host: host.startsWith('[') ? host.slice(1, -1) : host, port: hostPort.slice(at + 1) };
}

export function renderVarnishConfig(params: VarnishConfigParams, template = readFileSync(VCL_TEMPLATE_URL, 'utf8')): string {
  check(params.origins.length > 0, 'at least one origin');
  for (const o of params.origins) check(HOST_PORT.test(o) && Number(splitHostPort(o).port) <= 65535, `origin ${JSON.stringify(o)} is not host:port`);
  check(HOST_PORT.test(params.listen) && Number(splitHostPort(params.listen).port) <= 65535, `listen ${JSON.stringify(params.listen)} is not host:port`);
  if (params.vclPath !== undefined) check(/^\/[A-Za-z0-9._\/-]+$/.test(params.vclPath), `VCL path ${JSON.stringify(params.vclPath)} is not an absolute path of plain characters`);
  if (params.storage !== undefined) check(/^(malloc|file)(,[A-Za-z0-9._\/-]+){0,2}$/.test(params.storage), `storage ${JSON.stringify(params.storage)} is not like malloc,256m`);
  const names = params.origins.map((_, i) => `origin_${i}`);
  const backends = params.origins.map((o, i) => {
    const { host, port } = splitHostPort(o);
    return [
      `backend ${names[i]} {`,
      `    .host = "${host}";`,
      `    .port = "${port}";`,
      '    .probe = tribune_origin_alive;',
      '    .connect_timeout = 1s;',
      '    .first_byte_timeout = 10s;',
      '    .between_bytes_timeout = 3s;',
      '}',
    ].join('\n');
  });
  return fill(template, {
    LISTEN: params.listen,
    VARNISHD_COMMAND: varnishdCommand(params),
    BACKENDS: backends.join('\n\n'),
    DIRECTOR_BACKENDS: names.map((n) => `    tribune_origins.add_backend(${n});`).join('\n'),
  }, 'edge.vcl');
}
