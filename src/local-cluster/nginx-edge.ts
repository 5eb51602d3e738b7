import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { renderEdgeConfig, type EdgeConfigParams } from '../audience/edge-config.js';

/** Where Debian and most distributions install it; `nginxBinary()` also looks on the PATH. */
export const NGINX_BIN = '/usr/sbin/nginx';

/** The nginx to run: the PATH's, else the distribution's usual place; undefined when there is none. */
export function nginxBinary(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) if (dir && existsSync(join(dir, 'nginx'))) return join(dir, 'nginx');
  return existsSync(NGINX_BIN) ? NGINX_BIN : undefined;
}

export interface Edge {
  readonly port: number;
  readonly dir: string;
  readonly masterPid: number;
  /** pids of the worker processes (for CPU accounting from /proc/<pid>/stat). */
  workerPids(): number[];
  errorLog(): string;
  stop(): Promise<void>;
}

/** A free loopback port (bound then released; good enough on one machine). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** `count` consecutive loopback ports free a moment ago, from `first` on (the edge's, then one per origin). */
export async function freePortRange(count: number, random: () => number = Math.random): Promise<number> {
  const bind = (port: number) => new Promise<boolean>((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
  for (let attempt = 0; attempt < 50; attempt++) {
    // Below the kernel's ephemeral range (32768 and up on Linux), where outgoing connections take ports.
    const first = 20_000 + Math.floor(random() * (12_000 - count));
    let free = true;
    for (let i = 0; i < count && free; i++) free = await bind(first + i);
    if (free) return first;
  }
  throw new Error(`no ${count} consecutive free loopback ports`);
}

/** A self-signed certificate for 127.0.0.1 and localhost (openssl), PEM files in `dir`. */
export function selfSignedCertificate(dir: string): { certificate: string; key: string } {
  const certificate = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', key, '-out', certificate], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl: ${r.stderr}`);
  return { certificate, key };
}

function tcpOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

export interface EdgeOptions extends Partial<Omit<EdgeConfigParams, 'tls' | 'origins'>> {
  readonly tls?: boolean;
  /** The loopback port to listen on (default: a free one). */
  readonly port?: number;
  /** The directory for its configuration, cache and logs (default: a new temporary one, removed by stop). */
  readonly dir?: string;
  readonly nginx?: string;
  /** Its own process group, so a Ctrl-C at the terminal reaches whoever started it, not nginx. */
  readonly detached?: boolean;
}

/**
 * Starts nginx in the foreground with deploy/nginx/edge.conf (the shipped edge, as `tribune edge-config`
 * renders it) for loopback ports, in a directory of its own (`nginx -p <dir> -c <dir>/edge.conf`);
 * `tls: true` serves HTTPS and HTTP/2 with a self-signed certificate.
 */
export async function startEdge(origins: readonly string[], options: EdgeOptions = {}): Promise<Edge> {
  const { tls, port: wantedPort, dir: wantedDir, nginx = nginxBinary() ?? NGINX_BIN, detached = false, ...params } = options;
  const dir = wantedDir ?? mkdtempSync(join(tmpdir(), 'tribune-edge-'));
  const ownsDir = wantedDir === undefined;
  for (const d of ['cache', 'tmp', 'logs']) mkdirSync(join(dir, d), { recursive: true });
  const port = wantedPort ?? await freePort();
  const conf = renderEdgeConfig({
    listen: `127.0.0.1:${port}`,
    origins,
    cacheDir: join(dir, 'cache'),
    tempDir: join(dir, 'tmp'),
    user: process.getuid?.() === 0 ? 'root' : undefined,
    workerProcesses: 1,
    ...params,
    tls: tls ? selfSignedCertificate(dir) : undefined,
  });
  const confPath = join(dir, 'edge.conf');
  writeFileSync(confPath, conf);
  const errorLog = join(dir, 'logs', 'error.log');
  const child: ChildProcess = spawn(nginx, ['-p', dir, '-c', confPath, '-e', errorLog, '-g', `daemon off; pid ${join(dir, 'nginx.pid')};`], { stdio: ['ignore', 'ignore', 'pipe'], detached });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
  child.once('error', (err) => { stderr += String(err); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const removeDir = () => { if (ownsDir) rmSync(dir, { recursive: true, force: true }); };
  // Ready when it accepts connections.
  const deadline = Date.now() + 5000;
  for (;;) {
    try {
      if (tls) {
        if (!(await tcpOpen(port))) throw new Error('not listening yet');
      } else {
        await fetch(`http://127.0.0.1:${port}/__edge_probe__`, { signal: AbortSignal.timeout(500) });
      }
      if (child.exitCode !== null || child.pid === undefined) throw new Error('exited');
      break;
    } catch {
      if (child.exitCode !== null || child.pid === undefined || Date.now() > deadline) {
        if (child.exitCode === null && child.pid !== undefined) child.kill('SIGKILL');
        removeDir();
        throw new Error(`nginx did not start: ${stderr.trim() || 'no answer within 5 s'}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const masterPid = child.pid!;
  return {
    port, dir, masterPid,
    workerPids() {
      try {
        const children = readFileSync(`/proc/${masterPid}/task/${masterPid}/children`, 'utf8').trim();
        return children ? children.split(/\s+/).map(Number) : [];
      } catch {
        return [];
      }
    },
    errorLog() {
      try { return readFileSync(errorLog, 'utf8'); } catch { return ''; }
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(timer);
      }
      removeDir();
    },
  };
}

/** CPU time (user + system, seconds) of a process from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return 0;
  }
}
