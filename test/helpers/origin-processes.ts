import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from '../../src/local-cluster/nginx-edge.js';
import { startOriginProcess, type OriginProcess, type TribuneCommand } from '../../src/local-cluster/origin-process.js';
import { withUser } from '../../src/store/postgres/database.js';
import { deleteKeys, dropSchemas, POSTGRES_URL, REDIS_URL, uniqueName } from './cluster-engines.js';

/** `tribune serve` processes of one test cluster: one PostgreSQL schema, one Redis prefix. */
export type Origin = OriginProcess;

const root = new URL('../..', import.meta.url).pathname;
/** The CLI from source, as `tribune cluster` runs the compiled one: one way to start an origin. */
export const TRIBUNE_FROM_SOURCE: TribuneCommand = { program: process.execPath, args: ['--import', 'tsx', 'test/helpers/run-cli.ts'], cwd: root };

export { freePort };

export class OriginCluster {
  readonly #dirs: string[] = [];
  readonly #children: ChildProcess[] = [];
  constructor(readonly schema: string, readonly prefix: string) {}

  /** `redisUrl`: Redis through a relay the test can cut, instead of the shared one. */
  async start(id: string, env: Record<string, string> = {}, options: { redisUrl?: string } = {}): Promise<Origin> {
    const dataDir = mkdtempSync(join(tmpdir(), `tribune-${id}-`));
    this.#dirs.push(dataDir);
    const origin = startOriginProcess(TRIBUNE_FROM_SOURCE, {
      id, port: await freePort(), dataDir, databaseUrl: `${POSTGRES_URL}?schema=${this.schema}`, redisUrl: options.redisUrl ?? REDIS_URL, redisPrefix: this.prefix,
      secret: 'the-secret-of-this-test-cluster', logLevel: process.env.TRIBUNE_TEST_ORIGIN_LOGS ? 'info' : 'warn',
      // A loaded test machine must not trip the defences of a test about something else.
      env: { TRIBUNE_WRITES_PER_SECOND: '100000', TRIBUNE_UNDER_ATTACK: 'off', TRIBUNE_SHED_EVENT_LOOP_MS: '60000', ...env },
      // TRIBUNE_TEST_ORIGIN_LOGS=1 shows what the origins log (warnings and errors) while the test runs.
      ...(process.env.TRIBUNE_TEST_ORIGIN_LOGS ? { onOutput: (chunk: string) => process.stderr.write(`[${id}] ${chunk}`) } : {}),
    });
    origin.then((o) => this.#children.push(o.child), () => undefined);
    return origin;
  }

  /** Kills what is still running and removes the data directories (the schema and keys are the caller's). */
  cleanup(): void {
    for (const child of this.#children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const d of this.#dirs) rmSync(d, { recursive: true, force: true });
  }
}

/**
 * A cluster of its own for one test: a fresh schema and key prefix, and the admin promotion a test
 * needs (registration never makes an admin). `cleanup` kills the origins and drops the schema and keys.
 */
export function originProcesses(kind: string) {
  const cluster = new OriginCluster(uniqueName(kind), uniqueName(kind));
  async function makeAdmin(userId: string): Promise<void> {
    const db = new pg.Client({ connectionString: withUser(POSTGRES_URL) });
    await db.connect();
    await db.query(`UPDATE ${cluster.schema}.users SET platform_role = 'admin' WHERE id = $1`, [userId]);
    await db.end();
  }
  async function cleanup(): Promise<void> {
    cluster.cleanup();
    await dropSchemas([cluster.schema]);
    await deleteKeys([cluster.prefix]);
  }
  return { schema: cluster.schema, start: (id: string, env?: Record<string, string>) => cluster.start(id, env), makeAdmin, cleanup };
}

export async function call(origin: { url: string }, method: string, path: string, options: { token?: string; body?: unknown } = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(`${origin.url}${path}`, {
    method,
    headers: { ...(options.token ? { authorization: `Bearer ${options.token}` } : {}), ...(options.body ? { 'content-type': 'application/json' } : {}) },
    body: options.body ? JSON.stringify(options.body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/**
 * The part of an edge that matters to a client whose origin dies: each request goes to the first origin
 * that accepts the connection (a dead one refuses it), and the answer is relayed. Plain HTTP, no cache.
 */
export async function startFailoverEdge(origins: readonly Origin[]): Promise<{ url: string; close: () => Promise<void> }> {
  const relay = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string' && name !== 'host' && name !== 'connection') headers[name] = value;
    for (const origin of origins) {
      let answer: Response;
      try {
        answer = await fetch(new URL(req.url!, origin.url), {
          method: req.method, headers, body: chunks.length > 0 ? Buffer.concat(chunks) : undefined, signal: AbortSignal.timeout(15_000),
        });
      } catch {
        continue;
      }
      const body = Buffer.from(await answer.arrayBuffer());
      const relayed: Record<string, string> = {};
      answer.headers.forEach((value, name) => { if (name !== 'content-encoding' && name !== 'transfer-encoding' && name !== 'connection' && name !== 'content-length') relayed[name] = value; });
      res.writeHead(answer.status, relayed).end(body);
      return;
    }
    res.writeHead(502).end();
  };
  const server = createHttpServer((req, res) => void relay(req, res).catch(() => res.destroy()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
