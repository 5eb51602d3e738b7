import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { register, startTestServer, type TestServer } from '../helpers/control-server.js';
import { requireProgram } from '../helpers/require-program.js';
import { startPushService } from '../helpers/push-service.js';

/** Rows in every table of the store, read beside the server (WAL lets a reader in). */
function totalRows(dataDir: string): number {
  const db = new Database(join(dataDir, 'tribune.db'), { readonly: true });
  try {
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).all() as Array<{ name: string }>;
    return tables.reduce((n, t) => n + (db.prepare(`SELECT COUNT(*) AS n FROM "${t.name}"`).get() as { n: number }).n, 0);
  } finally {
    db.close();
  }
}

describe('follow a host, remind me, and Web Push at go-live', { skip: !requireProgram('openssl') }, () => {
  let dir: string;
  let server: TestServer;
  let push: Awaited<ReturnType<typeof startPushService>>;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tribune-push-'));
    push = await startPushService(dir);
    server = await startTestServer({ server: { pushAgent: new Agent({ ca: push.ca }) } });
  });
  after(async () => {
    await server?.close();
    await push?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('going live writes the same rows whether the host has 40 followers or none (read-time fan-out)', async () => {
    const popular = await register(server, 'popular_host');
    const quiet = await register(server, 'quiet_host');
    for (let i = 0; i < 40; i++) {
      const f = await register(server, `fan_${String(i).padStart(2, '0')}`);
      assert.equal((await server.request('PUT', '/api/v1/profiles/popular_host/follow', { token: f.token })).status, 204);
    }
    const deltas: number[] = [];
    for (const host of [popular, quiet]) {
      const { body: space } = await server.request('POST', '/api/v1/spaces', { token: host.token, body: { title: `${host.user.handle} live` } });
      const before = totalRows(server.dataDir);
      assert.equal((await server.request('POST', `/api/v1/spaces/${space.id}/start`, { token: host.token })).status, 200);
      deltas.push(totalRows(server.dataDir) - before);
    }
    assert.equal(deltas[0], deltas[1], `rows written at go-live: ${deltas.join(' vs ')}`);

    const fan = await server.request('POST', '/api/v1/auth/login', { body: { handle: 'fan_07', password: 'correct horse battery' } });
    const { body: notes } = await server.request('GET', '/api/v1/me/notifications', { token: fan.body.token });
    assert.deepEqual(notes.spaces.map((s: { title: string }) => s.title), ['popular_host live']);
    const state = await server.request('GET', '/api/v1/profiles/popular_host/follow', { token: fan.body.token });
    assert.deepEqual(state.body, { following: true, followers: 40 });
  });

  it('a follower and a reminded listener get a Web Push that their browser can decrypt (RFC 8291), signed with VAPID', async () => {
    const host = await register(server, 'push_host');
    const follower = await register(server, 'push_follower');
    const reminded = await register(server, 'push_reminded');
    const bystander = await register(server, 'push_bystander');
    const { body: space } = await server.request('POST', '/api/v1/spaces', { token: host.token, body: { title: 'Pushed: «live» now', scheduledStart: new Date(Date.now() + 3600_000).toISOString() } });
    assert.equal((await server.request('PUT', `/api/v1/profiles/push_host/follow`, { token: follower.token })).status, 204);
    assert.equal((await server.request('PUT', `/api/v1/spaces/${space.id}/reminder`, { token: reminded.token })).status, 204);
    const subs = new Map<string, ReturnType<typeof push.subscription>>();
    for (const [who, user] of [['follower', follower], ['reminded', reminded], ['bystander', bystander]] as const) {
      const sub = push.subscription(who);
      subs.set(`/push/${who}`, sub);
      const res = await server.request('POST', '/api/v1/me/push-subscriptions', { token: user.token, body: { endpoint: sub.endpoint, keys: sub.keys } });
      assert.equal(res.status, 204, JSON.stringify(res.body));
    }
    const { body: key } = await server.request('GET', '/api/v1/push/key');
    push.received.length = 0;
    assert.equal((await server.request('POST', `/api/v1/spaces/${space.id}/start`, { token: host.token })).status, 200);

    const end = Date.now() + 10_000;
    while (push.received.length < 2 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(push.received.map((r) => r.path).sort(), ['/push/follower', '/push/reminded'], 'the bystander gets nothing');
    for (const r of push.received) {
      assert.equal(r.headers['content-encoding'], 'aes128gcm');
      const auth = String(r.headers.authorization);
      assert.match(auth, new RegExp(`^vapid t=[^,]+, k=${key.publicKey}$`));
      const claims = JSON.parse(Buffer.from(auth.slice(8).split('.')[1]!, 'base64url').toString('utf8')) as { aud: string };
      assert.equal(claims.aud, push.url, 'the JWT names the push service as its audience');
      const payload = JSON.parse(subs.get(r.path)!.decrypt(r.body)) as Record<string, string>;
      assert.equal(payload.type, 'space.live');
      assert.equal(payload.spaceId, space.id);
      assert.equal(payload.title, 'Pushed: «live» now');
      assert.equal(payload.host, 'push_host');
      assert.match(payload.url!, new RegExp(`/s/${space.id}$`));
    }
  });

  it('hostile input: unknown fields, non-https endpoints, self-follow and anonymous writes are refused', async () => {
    const someone = await register(server, 'hostile_one');
    const bad = [
      await server.request('POST', '/api/v1/me/push-subscriptions', { token: someone.token, body: { endpoint: 'http://127.0.0.1/x', keys: { p256dh: 'AAAAAAAAAAAA', auth: 'AAAAAAAAAAAA' } } }),
      await server.request('POST', '/api/v1/me/push-subscriptions', { token: someone.token, body: { endpoint: 'https://x/y', keys: { p256dh: 'AAAAAAAAAAAA', auth: 'AAAAAAAAAAAA' }, extra: 1 } }),
    ];
    for (const res of bad) assert.equal(res.body.error.code, 'VALIDATION_FAILED');
    assert.equal((await server.request('PUT', '/api/v1/profiles/hostile_one/follow', { token: someone.token })).body.error.code, 'CANNOT_FOLLOW_SELF');
    assert.equal((await server.request('PUT', '/api/v1/profiles/push_host/follow')).body.error.code, 'AUTH_REQUIRED');
    assert.equal((await server.request('PUT', '/api/v1/profiles/nobody_at_all/follow', { token: someone.token })).body.error.code, 'HANDLE_NOT_FOUND');

    // A flood of subscriptions from one account keeps only its newest ten.
    for (let i = 0; i < 25; i++) {
      const sub = push.subscription(`flood-${String(i).padStart(2, '0')}`);
      assert.equal((await server.request('POST', '/api/v1/me/push-subscriptions', { token: someone.token, body: { endpoint: sub.endpoint, keys: sub.keys } })).status, 204);
    }
    const db = new Database(join(server.dataDir, 'tribune.db'), { readonly: true });
    const kept = db.prepare(`SELECT COUNT(*) AS n FROM push_subscriptions p JOIN users u ON u.id = p.user_id WHERE u.handle = 'hostile_one'`).get() as { n: number };
    db.close();
    assert.equal(kept.n, 10);
  });
});
