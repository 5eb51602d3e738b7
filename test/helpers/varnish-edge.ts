import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { renderVarnishConfig } from '../../src/audience/edge-config.js';
import { freePort } from './nginx-edge.js';

/** The varnishd to run: the PATH's, else where Debian installs it; undefined when there is none. */
export function varnishdBinary(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) if (dir && existsSync(join(dir, 'varnishd'))) return join(dir, 'varnishd');
  return existsSync('/usr/sbin/varnishd') ? '/usr/sbin/varnishd' : undefined;
}

export interface StreamCache {
  readonly port: number;
  readonly dir: string;
  readonly pid: number;
  /** The command line it was started with (for the report of a failing test). */
  readonly args: readonly string[];
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts varnishd in the foreground with deploy/varnish/edge.vcl (as `tribune edge-config --varnish`
 * renders it) on a loopback port, in a directory of its own, removed by stop().
 *
 * `-j none`: every process keeps the user that started it. Started as root, varnishd's default jail
 * (unix) compiles the VCL and runs the cache as the users `varnish` and `vcache`, which can neither
 * read a VCL in a private (0700) temporary directory nor write a working directory there; production
 * keeps the jail (the command printed in the VCL's header).
 * `-T none`: no management port (nothing here reloads the VCL; varnishlog/varnishstat -n <dir> read
 * the shared memory without it).
 */
export async function startStreamCache(origins: readonly string[], options: { port?: number; varnishd?: string } = {}): Promise<StreamCache> {
  const varnishd = options.varnishd ?? varnishdBinary() ?? '/usr/sbin/varnishd';
  const dir = mkdtempSync(join(tmpdir(), 'tribune-varnish-'));
  const port = options.port ?? await freePort();
  const vcl = join(dir, 'edge.vcl');
  writeFileSync(vcl, renderVarnishConfig({ listen: `127.0.0.1:${port}`, origins }));
  const args = ['-F', '-j', 'none', '-n', join(dir, 'work'), '-a', `127.0.0.1:${port}`, '-T', 'none', '-f', vcl, '-s', 'malloc,64m'];
  const child: ChildProcess = spawn(varnishd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => { output += d.toString(); });
  child.stderr?.on('data', (d: Buffer) => { output += d.toString(); });
  child.once('error', (err) => { output += String(err); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const running = () => child.exitCode === null && child.signalCode === null && child.pid !== undefined;

  // The cache process varnishd's manager forks: it dies with the manager, but is made sure of.
  const cachePids = (): number[] => {
    try {
      const children = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim();
      return children ? children.split(/\s+/).map(Number) : [];
    } catch {
      return [];
    }
  };
  const stop = async (): Promise<void> => {
    const forked = running() ? cachePids() : [];
    if (running()) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    for (const pid of forked) {
      try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
    }
    rmSync(dir, { recursive: true, force: true });
  };

  // Ready when it answers over HTTP (the VCL is compiled by gcc first: a second or two).
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (!running()) {
      await stop();
      throw new Error(`varnishd did not start: ${output.trim()}`);
    }
    try {
      await fetch(`http://127.0.0.1:${port}/__stream_cache_probe__`, { signal: AbortSignal.timeout(500) });
      break;
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`varnishd did not answer within 20 s: ${output.trim()}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return { port, dir, pid: child.pid!, args, output: () => output, stop };
}
