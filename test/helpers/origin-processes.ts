import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type AddressInfo } from 'node:net';
import pg from 'pg';
import { withUser } from '../../src/store/postgres/database.js';
import { deleteKeys, dropSchemas, POSTGRES_URL, REDIS_URL, uniqueName } from './cluster-engines.js';

export interface Origin { readonly id: string; readonly child: ChildProcess; readonly url: string }

const root = new URL('../..', import.meta.url).pathname;

/** A port free a moment ago: each origin must know its own address before it starts (--internal-url). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * `tribune serve` processes of one test cluster: one PostgreSQL schema, one Redis key prefix, each
 * origin its own data directory (its own disk). `cleanup` kills what still runs and removes it all.
 */
export function originProcesses(kind: string) {
  const schema = uniqueName(kind);
  const prefix = uniqueName(kind);
  const dirs: string[] = [];
  const children: ChildProcess[] = [];

  async function start(id: string, env: Record<string, string> = {}): Promise<Origin> {
    const dataDir = mkdtempSync(join(tmpdir(), `tribune-${id}-`));
    dirs.push(dataDir);
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/run-cli.ts', 'serve', '--port', String(port), '--host', '127.0.0.1', '--data-dir', dataDir,
      '--udp-port', '0', '--advertise', '127.0.0.1', '--log-level', 'warn', '--database-url', `${POSTGRES_URL}?schema=${schema}`, '--redis-url', REDIS_URL,
      '--origin-id', id, '--internal-url', `http://127.0.0.1:${port}`], {
      cwd: root, stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TRIBUNE_SECRET: 'the-secret-of-this-test-cluster', TRIBUNE_REDIS_PREFIX: prefix, TRIBUNE_WRITES_PER_SECOND: '100000',
        // A loaded test machine must not trip the defences of a test about something else.
        TRIBUNE_UNDER_ATTACK: 'off', TRIBUNE_SHED_EVENT_LOOP_MS: '60000', ...env },
    });
    children.push(child);
    return new Promise((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`${id} did not start: ${out}`)), 60_000);
      child.stdout!.on('data', (chunk) => {
        out += String(chunk);
        const match = /live on (http:\/\/\S+)/.exec(out);
        if (match) { clearTimeout(timer); resolve({ id, child, url: match[1]! }); }
      });
      child.stderr!.on('data', (chunk) => { out += String(chunk); });
      // TRIBUNE_TEST_ORIGIN_LOGS=1 shows what the origins log (warnings and errors) while the test runs.
      if (process.env.TRIBUNE_TEST_ORIGIN_LOGS) for (const s of [child.stdout!, child.stderr!]) s.on('data', (chunk) => process.stderr.write(`[${id}] ${chunk}`));
      child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`${id} exited (${code}): ${out}`)); });
    });
  }

  /** Registration never makes an admin: the test promotes the account in the database. */
  async function makeAdmin(userId: string): Promise<void> {
    const db = new pg.Client({ connectionString: withUser(POSTGRES_URL) });
    await db.connect();
    await db.query(`UPDATE ${schema}.users SET platform_role = 'admin' WHERE id = $1`, [userId]);
    await db.end();
  }

  async function cleanup(): Promise<void> {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await dropSchemas([schema]);
    await deleteKeys([prefix]);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }

  return { schema, start, makeAdmin, cleanup };
}

export async function call(origin: Origin, method: string, path: string, options: { token?: string; body?: unknown } = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(`${origin.url}${path}`, {
    method,
    headers: { ...(options.token ? { authorization: `Bearer ${options.token}` } : {}), ...(options.body ? { 'content-type': 'application/json' } : {}) },
    body: options.body ? JSON.stringify(options.body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}
