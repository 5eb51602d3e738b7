import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, test } from 'node:test';
import { Redis } from 'ioredis';
import pg from 'pg';
import { freePortRange } from '../../src/local-cluster/nginx-edge.js';
import { withUser } from '../../src/store/postgres/database.js';
import { dropSchemas, POSTGRES_URL, REDIS_URL, until } from '../helpers/cluster-engines.js';
import { requireProgram } from '../helpers/require-program.js';
import { call } from '../helpers/origin-processes.js';

/**
 * `tribune cluster --origins 3`: the one command an operator (and this test) runs to get three origins
 * and the shipped nginx edge on loopback. Through the edge a Space goes live on one origin and a
 * question is seen in /state from every origin; SIGTERM drains all, stops nginx and drops the schema
 * and keys, leaving no process behind.
 */

const root = new URL('../..', import.meta.url).pathname;

const alive = (pid: number): boolean => {
  try { process.kill(pid, 0); return true; } catch { return false; }
};

let leftovers: { pids: number[]; schema?: string } = { pids: [] };
after(async () => {
  for (const pid of leftovers.pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
  if (leftovers.schema) await dropSchemas([leftovers.schema]);
});

test('tribune cluster: three origins and the edge, one command; SIGTERM leaves nothing behind', { timeout: 180_000, skip: !requireProgram('nginx') }, async () => {
  const port = await freePortRange(4);
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/run-cli.ts', 'cluster', '--origins', '3', '--port', String(port),
    '--database-url', POSTGRES_URL, '--redis-url', REDIS_URL], {
    cwd: root, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TRIBUNE_UNDER_ATTACK: 'off', TRIBUNE_SHED_EVENT_LOOP_MS: '60000' },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => { out += String(d); });
  child.stderr.on('data', (d) => { err += String(d); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  leftovers.pids.push(child.pid!);
  assert.ok(await until(() => out.includes('Ctrl-C drains') || child.exitCode !== null, 120_000, 100), `started: ${out}\n${err}`);
  assert.equal(child.exitCode, null, `${out}\n${err}`);

  const edge = { url: `http://127.0.0.1:${port}` };
  assert.match(out, new RegExp(`Edge \\(nginx\\)\\s+${edge.url}  \\(pid (\\d+)\\)`));
  const nginxPid = Number(/Edge \(nginx\).*\(pid (\d+)\)/.exec(out)![1]);
  const origins = [...out.matchAll(/Origin (o\d+)\s+(http:\S+)\s+\(pid (\d+)\)/g)].map((m) => ({ id: m[1]!, url: m[2]!, pid: Number(m[3]) }));
  assert.deepEqual(origins.map((o) => o.id), ['o1', 'o2', 'o3']);
  assert.deepEqual(origins.map((o) => o.url), [1, 2, 3].map((i) => `http://127.0.0.1:${port + i}`));
  leftovers.pids.push(nginxPid, ...origins.map((o) => o.pid));
  const [, schema, prefix] = /Schema, key prefix (\w+), (\S+)/.exec(out)!;
  leftovers.schema = schema!;
  assert.match(out, /Kill one and watch: .*kill -9 \d+/);

  // Everything below goes through the edge, as a browser would.
  const host = (await call(edge, 'POST', '/api/v1/auth/register', { body: { handle: 'host', password: 'correct horse battery' } })).body;
  const db = new pg.Client({ connectionString: withUser(POSTGRES_URL) });
  await db.connect();
  await db.query(`UPDATE ${schema}.users SET platform_role = 'admin' WHERE id = $1`, [host.user.id]);
  await db.end();
  const space = (await call(edge, 'POST', '/api/v1/spaces', { token: host.token, body: { title: 'One command' } })).body;
  assert.equal((await call(edge, 'POST', `/api/v1/spaces/${space.id}/start`, { token: host.token })).status, 200);

  let view: any;
  assert.ok(await until(async () => {
    view = (await call(edge, 'GET', '/api/v1/cluster', { token: host.token })).body;
    return view.spaces?.some((s: { spaceId: string; origin: string | null }) => s.spaceId === space.id && s.origin) && view.origins?.length === 3;
  }, 20_000, 200), JSON.stringify(view));
  assert.deepEqual(view.origins.map((o: { id: string; state: string }) => `${o.id}:${o.state}`), ['o1:serving', 'o2:serving', 'o3:serving']);
  const runningOn = view.spaces.find((s: { spaceId: string }) => s.spaceId === space.id).origin;
  assert.ok(['o1', 'o2', 'o3'].includes(runningOn));

  const fan = (await call(edge, 'POST', '/api/v1/auth/register', { body: { handle: 'fan', password: 'correct horse battery' } })).body;
  const asked = await call(edge, 'POST', `/api/v1/spaces/${space.id}/questions`, { token: fan.token, body: { text: 'Seen everywhere?' } });
  assert.equal(asked.status, 201, JSON.stringify(asked.body));
  assert.equal((await call(edge, 'POST', `/api/v1/spaces/${space.id}/questions/${asked.body.id}/action`, { token: host.token, body: { action: 'approve' } })).status, 200);
  for (const origin of origins) {
    let state: any;
    assert.ok(await until(async () => {
      state = (await call(origin, 'GET', `/api/v1/spaces/${space.id}/state`)).body;
      return state.state === 'live' && state.questions.top.some((q: { text: string }) => q.text === 'Seen everywhere?');
    }, 10_000, 200), `${origin.id}: ${JSON.stringify(state)}`);
  }

  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const code = await Promise.race([exited, new Promise<'hung'>((resolve) => { timer = setTimeout(() => resolve('hung'), 60_000); })]);
  clearTimeout(timer);
  assert.equal(code, 0, `${out}\n${err}`);
  assert.match(out, /SIGTERM: draining 3 origin\(s\)[\s\S]*Stopped; schema, keys and files removed/);
  for (const pid of [nginxPid, ...origins.map((o) => o.pid)]) assert.ok(!alive(pid), `pid ${pid} is gone`);
  const check = new pg.Client({ connectionString: withUser(POSTGRES_URL) });
  await check.connect();
  const schemas = await check.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [schema]);
  await check.end();
  assert.equal(schemas.rowCount, 0, 'the schema is dropped');
  const redis = new Redis(REDIS_URL);
  const [, keys] = await redis.scan('0', 'MATCH', `${prefix}:*`, 'COUNT', 10_000);
  redis.disconnect();
  assert.deepEqual(keys, [], 'the keys are deleted');
  leftovers = { pids: [] };
});
