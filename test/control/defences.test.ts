import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { leadingZeroBits } from '../../src/control/defence/proof-of-work.js';
import { register, registerAdmin, startTestServer, type TestServer } from '../helpers/control-server.js';

function solve(challenge: string, difficulty: number): string {
  for (let nonce = 0; ; nonce++) {
    if (leadingZeroBits(createHash('sha256').update(`${challenge}:${nonce}`).digest()) >= difficulty) return `${challenge}:${nonce}`;
  }
}

async function liveSpace(server: TestServer): Promise<{ id: string; host: string }> {
  const host = await register(server, `def_host_${Math.floor(performance.now())}`);
  const space = (await server.request('POST', '/api/v1/spaces', { token: host.token, body: { title: 'Defended', language: 'en' } })).body as { id: string };
  await server.request('POST', `/api/v1/spaces/${space.id}/start`, { token: host.token });
  return { id: space.id, host: host.token };
}

/** An event-loop delay `ratio` times the threshold: a pressure level on demand. */
const THRESHOLDS = { eventLoopDelayMs: 100, rssMb: 1_000_000, inFlight: 1_000_000 };

test('load shedding refuses the cheapest first and never the stage nor the audience\'s reads', async (t) => {
  // The gauges read a delay we set: calm while the accounts and the Space are made, then each level.
  let ratio = 0;
  const server = await startTestServer({ overrides: { shedding: THRESHOLDS }, server: { loadGauges: () => ({ eventLoopDelayMs: 100 * ratio, rssMb: 100 }) } });
  t.after(() => server.close());
  const user = await register(server, 'shed_user');
  const { id, host } = await liveSpace(server);
  for (const [r, level] of [[0.5, 0], [1.3, 1], [2.8, 2], [8, 3]] as const) {
    ratio = r;
    const reaction = await server.request('POST', `/api/v1/spaces/${id}/reactions`, { body: { reaction: 'clap' } });
    assert.equal(reaction.status === 503, level >= 1, `level ${level}: anonymous writes shed from level 1 (${reaction.status})`);
    if (level >= 1) {
      assert.equal(reaction.body.error.code, 'OVERLOADED');
      assert.ok(Number(reaction.headers['retry-after']) >= 2);
    }
    const login = await server.request('POST', '/api/v1/auth/login', { body: { handle: 'someone', password: 'whatever password' } });
    assert.equal(login.status === 503, level >= 2, `level ${level}: logins shed from level 2 (${login.status})`);
    const question = await server.request('POST', `/api/v1/spaces/${id}/questions`, { token: user.token, body: { text: `A logged-in question at level ${level}?` } });
    assert.equal(question.status === 503, level >= 3, `level ${level}: logged-in writes shed at level 3 only (${question.status})`);
    // Never shed: reads of the room and of the programme, and the stage's own requests.
    assert.equal((await server.request('GET', `/api/v1/spaces/${id}/state`)).status, 200);
    assert.notEqual((await server.request('GET', `/hls/${id}/index.m3u8`)).status, 503);
    const whip = await server.request('POST', `/api/v1/spaces/${id}/whip`, { token: host, body: 'v=0', headers: { 'content-type': 'application/sdp' } });
    assert.notEqual(whip.body?.error?.code, 'OVERLOADED', `level ${level}: WHIP is never shed`);
  }
});

test('under attack, anonymous writes and logins carry a proof of work, spent once; WHEP and logged-in writes are not asked', async (t) => {
  const server = await startTestServer({ overrides: { underAttack: { setting: 'on', baseDifficulty: 8 } } });
  t.after(() => server.close());
  // Accounts made before the switch is tested (registering is asked for work too).
  const admin = await registerAdmin(server, 'def_admin').catch(() => null);
  assert.equal(admin, null, 'registration asks for work under attack');

  const asked = await server.request('POST', '/api/v1/spaces/sp_nothere/reactions', { body: { reaction: 'clap' } });
  assert.equal(asked.status, 428);
  assert.equal(asked.body.error.code, 'POW_REQUIRED');
  const { challenge, difficulty, header } = asked.body.error.details as { challenge: string; difficulty: number; header: string };
  assert.equal(difficulty, 8);
  const proof = solve(challenge, difficulty);
  const paid = await server.request('POST', '/api/v1/spaces/sp_nothere/reactions', { body: { reaction: 'clap' }, headers: { [header]: proof } });
  assert.notEqual(paid.status, 428, 'a valid proof passes the gate (the Space does not exist: 404)');
  const replayed = await server.request('POST', '/api/v1/spaces/sp_nothere/reactions', { body: { reaction: 'clap' }, headers: { [header]: proof } });
  assert.equal(replayed.status, 428, 'a proof is spent once');
  const forged = await server.request('POST', '/api/v1/auth/login', { body: { handle: 'a', password: 'b' }, headers: { [header]: `${challenge}:1` } });
  assert.equal(forged.status, 428);
  const fresh = (await server.request('GET', '/api/v1/pow')).body as { challenge: string; difficulty: number };
  const login = await server.request('POST', '/api/v1/auth/login', { body: { handle: 'nobody', password: 'no password' }, headers: { [header]: solve(fresh.challenge, fresh.difficulty) } });
  assert.equal(login.status, 401, 'with a proof the login is heard');
  const whep = await server.request('POST', '/api/v1/spaces/sp_nothere/whep', { body: 'v=0', headers: { 'content-type': 'application/sdp' } });
  assert.notEqual(whep.status, 428, 'media offers are never asked for work');
});

test('admins switch under-attack mode; automatic mode follows load shedding', async (t) => {
  const server = await startTestServer();
  t.after(() => server.close());
  const admin = await registerAdmin(server, 'switch_admin');
  const user = await register(server, 'switch_user');
  assert.equal((await server.request('PUT', '/api/v1/admin/defence', { token: user.token, body: { underAttack: 'on' } })).status, 403);
  const on = await server.request('PUT', '/api/v1/admin/defence', { token: admin.token, body: { underAttack: 'on' } });
  assert.equal(on.status, 200);
  assert.equal(on.body.underAttack, true);
  assert.equal((await server.request('POST', '/api/v1/spaces/sp_x/reactions', { body: { reaction: 'clap' } })).status, 428);
  // A logged-in write is not asked.
  assert.notEqual((await server.request('POST', '/api/v1/spaces/sp_x/questions', { token: user.token, body: { text: 'Still here?' } })).status, 428);
  const offNow = await server.request('PUT', '/api/v1/admin/defence', { token: admin.token, body: { underAttack: 'off' } });
  assert.equal(offNow.body.underAttack, false);
  assert.notEqual((await server.request('POST', '/api/v1/spaces/sp_x/reactions', { body: { reaction: 'clap' } })).status, 428);

  const auto = await startTestServer({ overrides: { underAttack: { setting: 'auto', baseDifficulty: 8 }, shedding: THRESHOLDS }, server: { loadGauges: () => ({ eventLoopDelayMs: 150, rssMb: 100 }) } });
  t.after(() => auto.close());
  // The host learns it from the room state (the studio shows a banner).
  const admin2 = await registerAdmin(auto, 'auto_admin', 'correct horse battery').catch((err: Error) => err);
  assert.ok(admin2 instanceof Error, 'registration asks for work in automatic mode under pressure');
  const reaction = await auto.request('POST', '/api/v1/spaces/sp_x/reactions', { body: { reaction: 'clap' } });
  assert.equal(reaction.status, 503, 'level 1 sheds anonymous writes first');
  const login = await auto.request('POST', '/api/v1/auth/login', { body: { handle: 'someone', password: 'whatever password' } });
  assert.equal(login.status, 428, `automatic mode asks logins for work while shedding (${login.status})`);
  const calm = await startTestServer();
  t.after(() => calm.close());
  const { id } = await liveSpace(calm);
  assert.deepEqual((await calm.request('GET', `/api/v1/spaces/${id}/state`)).body.defence, { underAttack: false, shedding: false, waitingRoom: false });
  const metrics = await auto.request('GET', '/metrics');
  assert.match(String(metrics.body), /tribune_refusals_total\{layer="(origin-shedding|proof-of-work)"/);
});

test('tribune defence reads and switches under-attack mode on a running origin', { timeout: 60_000 }, async (t) => {
  const server = await startTestServer();
  t.after(() => server.close());
  const admin = await registerAdmin(server, 'cli_admin');
  const user = await register(server, 'cli_user');
  const cli = (args: string[], token: string) => new Promise<{ code: number; out: string; err: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/run-cli.ts', 'defence', ...args, '--url', server.url], { env: { ...process.env, TRIBUNE_ADMIN_TOKEN: token }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('exit', (code) => resolve({ code: code ?? 1, out, err }));
  });
  const on = await cli(['on'], admin.token);
  assert.equal(on.code, 0, on.err);
  assert.match(on.out, /under-attack mode: on \(ON, \d+ bits/);
  assert.equal((await server.request('POST', '/api/v1/spaces/sp_x/reactions', { body: { reaction: 'clap' } })).status, 428);
  const status = await cli(['status'], admin.token);
  assert.match(status.out, /load shedding: +level 0 of 3/);
  const refused = await cli(['off'], user.token);
  assert.equal(refused.code, 1);
  assert.match(refused.err, /403 FORBIDDEN/);
  assert.equal((await cli(['auto'], admin.token)).code, 0);
  assert.equal((await cli(['sideways'], admin.token)).code, 2);
});
