import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, test } from 'node:test';
import { register, registerAdmin, startTestServer } from '../helpers/control-server.js';

/**
 * The waiting room on the embedded server, through HTTP: concurrent arrivals keep their order and
 * never push active users above the ceiling; bad tickets are refused with their codes; the audience's
 * reads (LL-HLS, /state) and the listener token are never held. Time is the test's clock, so
 * sessions lapse and tickets expire on demand.
 */
test('the waiting room holds interactive requests in arrival order and never the audience', async (t) => {
  let now = Date.now();
  const server = await startTestServer({
    overrides: { waitingRoom: { setting: 'off', totalActiveUsers: 3, newUsersPerMinute: 100, sessionMinutes: 1, ticketMinutes: 2 } },
    server: { media: true, clock: { now: () => now } },
  });
  t.after(() => server.close());

  // Accounts and two live Spaces while the room is closed.
  const admin = await registerAdmin(server, 'room_admin');
  const host = await register(server, 'room_host');
  const askers: Array<{ token: string; user: { id: string } }> = [];
  for (let i = 0; i < 10; i++) askers.push(await register(server, `room_asker_${i}`));
  const spaces: string[] = [];
  for (const title of ['Held', 'Other']) {
    const space = (await server.request('POST', '/api/v1/spaces', { token: host.token, body: { title, language: 'en' } })).body as { id: string };
    assert.equal((await server.request('POST', `/api/v1/spaces/${space.id}/start`, { token: host.token })).status, 200);
    spaces.push(space.id);
  }
  const [id, other] = spaces as [string, string];

  const opened = await server.request('PUT', '/api/v1/admin/waiting-room', { token: admin.token, body: { setting: 'on' } });
  assert.equal(opened.status, 200);
  assert.equal(opened.body.open, true);
  assert.equal((await server.request('PUT', '/api/v1/admin/waiting-room', { token: host.token, body: { setting: 'off' } })).status, 403, 'admins only');
  assert.equal((await server.request('PUT', '/api/v1/admin/waiting-room', { token: admin.token, body: { totalActiveUsers: 0 } })).status, 400, 'validated');

  const ask = (i: number, ticket?: string) => server.request('POST', `/api/v1/spaces/${id}/questions`, {
    token: askers[i]!.token, body: { text: `Question number ${i}?` }, ...(ticket ? { headers: { 'x-tribune-ticket': ticket } } : {}),
  });

  // Ten askers at once: three walk in (with a pass), seven wait, each with their own place.
  const first = await Promise.all(askers.map((_, i) => ask(i)));
  const admitted = first.filter((r) => r.status === 201);
  const held = first.map((r, i) => ({ r, i })).filter(({ r }) => r.status === 503);
  assert.equal(admitted.length, 3, first.map((r) => r.status).join(','));
  assert.ok(admitted.every((r) => typeof r.headers['x-tribune-ticket'] === 'string'), 'the admitted get a pass');
  assert.equal(held.length, 7);
  for (const { r } of held) {
    assert.equal(r.body.error.code, 'WAITING_ROOM');
    const retryAfter = Number(r.headers['retry-after']);
    assert.ok(retryAfter >= 3 && retryAfter <= 22, `Retry-After about 20 s: ${retryAfter}`);
    assert.equal(r.headers['x-tribune-ticket'], r.body.error.details.ticket);
    assert.ok(r.body.error.details.estimatedWaitSeconds > 0);
  }
  const places = held.map(({ r }) => r.body.error.details as { position: number; arrival: number; ticket: string });
  assert.deepEqual(places.map((p) => p.position).sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7], 'one place each');
  const byArrival = [...places].sort((a, b) => a.arrival - b.arrival);
  assert.deepEqual(byArrival.map((p) => p.position), [1, 2, 3, 4, 5, 6, 7], 'positions follow the arrival numbers');

  // Full: the audience's reads, the listener token and the heartbeat are never held.
  assert.equal((await server.request('GET', `/api/v1/spaces/${id}/state`)).status, 200);
  const token = await server.request('POST', `/api/v1/spaces/${id}/listener-token`);
  assert.equal(token.status, 201, JSON.stringify(token.body));
  assert.equal((await server.request('POST', `/api/v1/spaces/${id}/heartbeat`, { body: { listenerToken: token.body.listenerToken } })).status, 204);
  const deadline = Date.now() + 10_000;
  let playlist = await server.request('GET', `/hls/${id}/index.m3u8`);
  while (playlist.status !== 200 && Date.now() < deadline) {
    assert.notEqual(playlist.status, 503);
    await new Promise((r) => setTimeout(r, 100));
    playlist = await server.request('GET', `/hls/${id}/index.m3u8`);
  }
  assert.equal(playlist.status, 200, 'LL-HLS plays while the room is full');
  const media = await server.request('GET', `/hls/${id}/audio.m3u8`);
  assert.equal(media.status, 200);
  // An anonymous WHEP offer is held too (the page then plays LL-HLS); the stage's WHIP never is.
  const whep = await server.request('POST', `/api/v1/spaces/${id}/whep`, { body: 'v=0', headers: { 'content-type': 'application/sdp' } });
  assert.equal(whep.status, 503);
  assert.equal(whep.body.error.code, 'WAITING_ROOM');
  const whip = await server.request('POST', `/api/v1/spaces/${id}/whip`, { token: host.token, body: 'v=0', headers: { 'content-type': 'application/sdp' } });
  assert.notEqual(whip.status, 503);

  // Bad tickets, each with its code.
  const good = byArrival[0]!.ticket;
  const [body, scope, mac] = good.split('.') as [string, string, string];
  const raw = Buffer.from(body, 'base64url');
  raw.writeUIntBE(1, 1, 6);
  const forged = await ask(held[0]!.i, `${raw.toString('base64url')}.${scope}.${mac}`);
  assert.equal(forged.status, 400);
  assert.equal(forged.body.error.code, 'ROOM_TICKET_INVALID');
  const elsewhere = await server.request('POST', `/api/v1/spaces/${other}/questions`, { token: askers[0]!.token, body: { text: 'Elsewhere?' }, headers: { 'x-tribune-ticket': good } });
  assert.equal(elsewhere.status, 400);
  assert.equal(elsewhere.body.error.code, 'ROOM_TICKET_OTHER_SPACE');

  // Registering is held too; outside any Space, it takes the ticket a listener holds in a Space.
  const newcomer = await server.request('POST', '/api/v1/auth/register', { body: { handle: 'room_newcomer', password: 'correct horse battery' } });
  assert.equal(newcomer.body.error.code, 'WAITING_ROOM');
  const withTicket = await server.request('POST', '/api/v1/auth/register', { body: { handle: 'room_newcomer', password: 'correct horse battery' }, headers: { 'x-tribune-ticket': good } });
  assert.equal(withTicket.body.error.code, 'WAITING_ROOM');
  assert.equal(withTicket.body.error.details.position, 1, 'the Space ticket keeps its place');

  // A minute later the three sessions lapse: three places, taken in arrival order whoever checks in first.
  now += 61_000;
  const byAsker = new Map(held.map(({ r, i }) => [r.body.error.details.arrival as number, i]));
  const reversed = [...byArrival].reverse();
  const second = await Promise.all(reversed.map((p) => ask(byAsker.get(p.arrival)!, p.ticket)));
  const through = reversed.filter((_, k) => second[k]!.status === 201).map((p) => p.arrival).sort((a, b) => a - b);
  assert.deepEqual(through, byArrival.slice(0, 3).map((p) => p.arrival), 'the first three in line, not the first to check in');
  const state = (await server.request('GET', '/api/v1/admin/waiting-room', { token: admin.token })).body;
  assert.equal(state.active, 3, 'never above totalActiveUsers');
  assert.equal(state.waiting, 6, 'four askers, the WHEP listener and the newcomer who registers');
  // Positions were read as each checked in (the last in line first); checking in again, all moved up.
  const renewed = second.filter((r) => r.status === 503).map((r) => r.body.error.details as { arrival: number; ticket: string });
  const third = await Promise.all(renewed.map((p) => ask(byAsker.get(p.arrival)!, p.ticket)));
  assert.deepEqual(third.map((r) => r.body.error.details.position as number).sort((a, b) => a - b), [1, 2, 3, 4], 'the rest moved up');

  // A pass is accepted for the session: the admitted vote without queueing again.
  const passHolder = reversed.findIndex((_, k) => second[k]!.status === 201);
  const pass = second[passHolder]!.headers['x-tribune-ticket'] as string;
  const question = second[passHolder]!.body as { id: string };
  const vote = await server.request('POST', `/api/v1/spaces/${id}/questions/${question.id}/vote`, { token: askers[0]!.token, headers: { 'x-tribune-ticket': pass } });
  assert.notEqual(vote.status, 503, JSON.stringify(vote.body));

  // A ticket nobody renewed within its lifetime is refused; its holder queues afresh.
  now += 3 * 60_000;
  const expired = await ask(byAsker.get(byArrival[6]!.arrival)!, byArrival[6]!.ticket);
  assert.equal(expired.status, 400);
  assert.equal(expired.body.error.code, 'ROOM_TICKET_EXPIRED');

  const metrics = (await server.request('GET', '/metrics')).body as string;
  const waitingNow = (await server.request('GET', '/api/v1/admin/waiting-room', { token: admin.token })).body.waiting as number;
  assert.ok(new RegExp(`^tribune_waiting_room_queue(\\{[^}]*\\})? ${waitingNow}$`, 'm').test(metrics), `the queue (${waitingNow}) read afresh at the scrape`);
  assert.ok(/^tribune_waiting_room_open(\{[^}]*\})? 1$/m.test(metrics), 'open');
  for (const series of ['tribune_waiting_room_queue', 'tribune_waiting_room_active_users', 'tribune_waiting_room_admitted_last_minute', 'layer="waiting-room",reason="queued"']) {
    assert.ok(metrics.includes(series), `${series} in ${metrics.split('\n').filter((l) => l.includes('refusals')).join('\n')}`);
  }

  // 'auto' follows under-attack mode; closed, nothing is held.
  await server.request('PUT', '/api/v1/admin/waiting-room', { token: admin.token, body: { setting: 'auto' } });
  assert.equal((await server.request('GET', '/api/v1/admin/waiting-room', { token: admin.token })).body.open, false);
  await server.request('PUT', '/api/v1/admin/defence', { token: admin.token, body: { underAttack: 'on' } });
  assert.equal((await server.request('GET', '/api/v1/admin/waiting-room', { token: admin.token })).body.open, true);
  await server.request('PUT', '/api/v1/admin/defence', { token: admin.token, body: { underAttack: 'off' } });
  const free = await server.request('POST', `/api/v1/spaces/${id}/speak-requests`, { token: askers[9]!.token });
  assert.notEqual(free.status, 503, 'closed room: nothing held');
});

test('tribune defence room reads, opens and resizes the waiting room', { timeout: 60_000 }, async (t) => {
  const server = await startTestServer();
  t.after(() => server.close());
  const admin = await registerAdmin(server, 'room_cli_admin');
  const cli = (args: string[]) => new Promise<{ code: number; out: string; err: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/run-cli.ts', 'defence', 'room', ...args, '--url', server.url], { env: { ...process.env, TRIBUNE_ADMIN_TOKEN: admin.token }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('exit', (code) => resolve({ code: code ?? 1, out, err }));
  });
  const status = await cli(['status']);
  assert.equal(status.code, 0, status.err);
  assert.match(status.out, /waiting room: off \(not holding anyone\)/);
  const on = await cli(['on', '--active-users', '5', '--users-per-minute', '50']);
  assert.equal(on.code, 0, on.err);
  assert.match(on.out, /waiting room: on \(OPEN/);
  assert.match(on.out, /5 active users, 50 new a minute/);
  const state = (await server.request('GET', '/api/v1/admin/waiting-room', { token: admin.token })).body;
  assert.equal(state.totalActiveUsers, 5);
  assert.equal((await cli(['on', '--active-users', 'many'])).code, 2);
  const refused = await cli(['on', '--active-users', '0']);
  assert.equal(refused.code, 1);
  assert.match(refused.err, /400 VALIDATION_FAILED/);
});

after(() => { setTimeout(() => process.exit(), 100).unref(); });
