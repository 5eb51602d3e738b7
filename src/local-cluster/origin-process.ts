import { spawn, type ChildProcess } from 'node:child_process';

/** How to run `tribune` itself: the program and the arguments before the command (`serve`). */
export interface TribuneCommand { readonly program: string; readonly args: readonly string[]; readonly cwd?: string }

/**
 * The running CLI again, the same way it was started (the compiled bin, or the sources through tsx's
 * loader in `execArgv`): origins are exactly the `tribune serve` of the binary that started them.
 */
export function thisTribune(): TribuneCommand {
  return { program: process.execPath, args: [...process.execArgv, process.argv[1]!] };
}

export interface OriginSpec {
  readonly id: string;
  readonly port: number;
  readonly dataDir: string;
  /** PostgreSQL, with `?schema=` already set. */
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly redisPrefix: string;
  readonly secret: string;
  /** Further `tribune serve` flags (e.g. `--public-url`, `--trust-proxy`). */
  readonly flags?: readonly string[];
  /** Further environment (it wins over the defaults below). */
  readonly env?: Readonly<Record<string, string>>;
  readonly logLevel?: string;
  /** Its own process group, so a Ctrl-C at the terminal reaches whoever started it, not the origin. */
  readonly detached?: boolean;
  /** Each chunk the origin writes, stdout and stderr alike. */
  readonly onOutput?: (chunk: string) => void;
  readonly startTimeoutMs?: number;
}

export interface OriginProcess {
  readonly id: string;
  readonly child: ChildProcess;
  readonly pid: number;
  /** http://127.0.0.1:<port>, also its --internal-url. */
  readonly url: string;
  /** Resolves once the process is gone, with its exit code or the signal that ended it. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM (the origin drains: its Spaces move to the others) and wait for it to exit; SIGKILL after `graceMs`. */
  drain(graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts one `tribune serve` origin of a cluster on loopback and resolves once it is listening (its
 * "live on" line). Rejects, with what it printed, when it exits or stays silent first.
 */
export function startOriginProcess(command: TribuneCommand, spec: OriginSpec): Promise<OriginProcess> {
  const url = `http://127.0.0.1:${spec.port}`;
  const child = spawn(command.program, [...command.args, 'serve', '--port', String(spec.port), '--host', '127.0.0.1', '--data-dir', spec.dataDir,
    '--udp-port', '0', '--advertise', '127.0.0.1', '--log-level', spec.logLevel ?? 'warn', '--database-url', spec.databaseUrl, '--redis-url', spec.redisUrl,
    '--origin-id', spec.id, '--internal-url', url, ...(spec.flags ?? [])], {
    ...(command.cwd ? { cwd: command.cwd } : {}),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: spec.detached ?? false,
    env: { ...process.env, TRIBUNE_SECRET: spec.secret, TRIBUNE_REDIS_PREFIX: spec.redisPrefix, ...spec.env },
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', () => resolve({ code: null, signal: null }));
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let ready = false;
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`${spec.id} did not start within ${(spec.startTimeoutMs ?? 60_000) / 1000} s: ${out}`)); }, spec.startTimeoutMs ?? 60_000);
    const onChunk = (chunk: Buffer) => {
      const text = String(chunk);
      spec.onOutput?.(text);
      if (ready) return;
      out += text;
      if (/Tribune is live on /.test(out)) {
        ready = true;
        out = '';
        clearTimeout(timer);
        resolve({
          id: spec.id, child, pid: child.pid!, url, exited,
          async drain(graceMs = 15_000) {
            if (child.exitCode === null && child.signalCode === null) {
              child.kill('SIGTERM');
              const force = setTimeout(() => child.kill('SIGKILL'), graceMs);
              const result = await exited;
              clearTimeout(force);
              return result;
            }
            return exited;
          },
        });
      }
    };
    child.stdout!.on('data', onChunk);
    child.stderr!.on('data', onChunk);
    void exited.then(({ code, signal }) => {
      if (ready) return;
      clearTimeout(timer);
      reject(new Error(`${spec.id} exited (${code ?? signal}) before it was live: ${out}`));
    });
  });
}
