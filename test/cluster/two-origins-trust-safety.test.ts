import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { dropSchemas, deleteKeys, uniqueName, until } from '../helpers/cluster-engines.js';
import { register, startTestServer, type TestServer } from '../helpers/control-server.js';
import { startPushService } from '../helpers/push-service.js';
import { requireProgram } from '../helpers/require-program.js';

// Trust & safety, context notes, follows and Web Push with two origins of one deployment (PostgreSQL and
// Redis shared): what a person does through one origin, the people on the other see.

const schema = uniqueName('tsx');
const prefix = uniqueName('tsx');
let a: TestServer;
let b: TestServer;
let pushDir: string;
let push: Awaited<ReturnType<typeof startPushService>>;
type Account = Awaited<ReturnType<typeof register>>;
let admin: Account;
let mod1: Account;
let mod2: Account;

const notifier = { notifierName: 'Camille Martin', notifierEmail: 'camille@example.org', goodFaith: true };
const terms = { ground: 'DECISION_GROUND_INCOMPATIBLE_CONTENT', termsClause: 'Terms §4.2, spam', explanation: 'Repeated off-topic promotion.', facts: 'The Space promoted a product.', category: 'STATEMENT_CATEGORY_OTHER_VIOLATION_TC' };
const today = new Date().toISOString().slice(0, 10);
const databaseUrl = `postgres://127.0.0.1:5432/test?schema=${schema}`;

/** `tribune …` from source in a child process, as an operator runs it. */
function runCli(args: string[], env: Record<string, string> = {}): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', 'test/helpers/run-cli.ts', ...args], { env: { ...process.env, ...env } },
      (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve({ stdout, stderr })));
  });
}

describe('trust & safety, notes and follows across two origins', { skip: !requireProgram('openssl') }, () => {
  before(async () => {
    pushDir = mkdtempSync(join(tmpdir(), 'tribune-push-'));
    push = await startPushService(pushDir);
    const origin = (originId: string) => startTestServer({
      server: { pushAgent: new Agent({ ca: push.ca }) },
      overrides: { secret: 'a-secret-both-origins-share', cluster: { databaseUrl, redisUrl: 'redis://127.0.0.1:6379', originId, redisPrefix: prefix } },
    });
    // Both at once: each offers the VAPID pair of its own data directory; one pair is kept for both.
    [a, b] = await Promise.all([origin('o1'), origin('o2')]);
    // The first admin of a cluster is made with the command line against its PostgreSQL, then signs in anywhere.
    const made = await runCli(['admin', 'create', 'tsx_admin', '--database-url', databaseUrl], { TRIBUNE_ADMIN_PASSWORD: 'correct horse battery' });
    assert.match(made.stdout, /^Created tsx_admin/);
    const login = await b.request('POST', '/api/v1/auth/login', { body: { handle: 'tsx_admin', password: 'correct horse battery' } });
    admin = login.body;
    assert.equal((await a.request('GET', '/api/v1/me', { token: admin.token })).body.platformRole, 'admin');
    mod1 = await register(a, 'tsx_mod1');
    mod2 = await register(b, 'tsx_mod2');
    for (const m of [mod1, mod2]) assert.equal((await b.request('PUT', `/api/v1/users/${m.user.id}/platform-role`, { token: admin.token, body: { role: 'moderator' } })).status, 200);
  });

  after(async () => {
    await a?.close();
    await b?.close();
    await push?.close();
    rmSync(pushDir, { recursive: true, force: true });
    await dropSchemas([schema]);
    await deleteKeys([prefix]);
  });

  async function liveSpace(server: TestServer, host: Account, title: string): Promise<{ id: string }> {
    const space = (await server.request('POST', '/api/v1/spaces', { token: host.token, body: { title } })).body;
    assert.equal((await server.request('POST', `/api/v1/spaces/${space.id}/start`, { token: host.token })).status, 200);
    return space;
  }

  test('a notice filed on A is in the queue on B; B\'s decision is in the statements and the export read on A; one audit chain', async () => {
    const host = await register(a, 'tsx_host');
    const space = await liveSpace(a, host, 'Promotion');
    const filed = await a.request('POST', '/api/v1/notices', { body: { targetType: 'space', targetId: space.id, atMs: 60_000, category: 'STATEMENT_CATEGORY_OTHER_VIOLATION_TC', explanation: 'The whole Space is an advertisement.', ...notifier } });
    assert.equal(filed.status, 201, JSON.stringify(filed.body));

    const queue = await b.request('GET', '/api/v1/moderation/queue?limit=200', { token: mod2.token });
    const item = queue.body.items.find((i: { targetId: string }) => i.targetId === space.id);
    assert.ok(item, JSON.stringify(queue.body));
    assert.deepEqual(item.notices.map((n: { id: string }) => n.id), [filed.body.id]);

    const decided = await b.request('POST', '/api/v1/moderation/decisions', { token: mod2.token, body: { targetType: 'space', targetId: space.id, action: 'label', ...terms } });
    assert.equal(decided.status, 201, JSON.stringify(decided.body));
    assert.ok(!(await a.request('GET', '/api/v1/moderation/queue?limit=200', { token: mod1.token })).body.items.some((i: { targetId: string }) => i.targetId === space.id));

    const mine = await a.request('GET', '/api/v1/me/statements', { token: host.token });
    assert.deepEqual(mine.body.statements.map((s: { id: string }) => s.id), [decided.body.id]);
    const exported = await a.request('GET', `/api/v1/transparency/statements?from=${today}&to=${today}`, { token: mod1.token });
    assert.equal(exported.status, 200);
    assert.ok(exported.body.statements.some((s: { puid: string }) => s.puid === decided.body.id), JSON.stringify(exported.body.statements.map((s: { puid: string }) => s.puid)));
    const noticesOnB = await b.request('GET', '/api/v1/moderation/queue?limit=200', { token: mod2.token });
    assert.ok(!noticesOnB.body.items.some((i: { targetId: string }) => i.targetId === space.id));

    // The command an operator runs against the cluster's PostgreSQL writes the same statements.
    const cli = await runCli(['dsa', 'export', '--from', today, '--to', today, '--database-url', databaseUrl]);
    assert.deepEqual(JSON.parse(cli.stdout).statements, exported.body.statements);

    for (const server of [a, b]) {
      const verdict = await server.request('GET', '/api/v1/moderation/audit/verify', { token: mod1.token });
      assert.equal(verdict.body.ok, true, JSON.stringify(verdict.body));
    }
  });

  test('two moderators decide on the same notices at the same moment, one on each origin: each notice is answered by one decision', async () => {
    const host = await register(b, 'tsx_host2');
    const space = await liveSpace(b, host, 'Contested');
    for (let i = 0; i < 3; i++) {
      assert.equal((await (i % 2 ? a : b).request('POST', '/api/v1/notices', { body: { targetType: 'space', targetId: space.id, atMs: 1000 * i, category: 'STATEMENT_CATEGORY_OTHER_VIOLATION_TC', explanation: `Advertising again, part ${i}.`, ...notifier } })).status, 201);
    }
    const [ra, rb] = await Promise.all([
      a.request('POST', '/api/v1/moderation/decisions', { token: mod1.token, body: { targetType: 'space', targetId: space.id, action: 'label', ...terms } }),
      b.request('POST', '/api/v1/moderation/decisions', { token: mod2.token, body: { targetType: 'space', targetId: space.id, action: 'no_action', ...terms } }),
    ]);
    // Both read the three open notices, both write: the second finds them answered and is refused. (Had one
    // finished before the other read, the other would be a decision of its own, answering no notice.)
    for (const r of [ra, rb]) assert.ok(r.status === 201 || r.body.error?.code === 'NOTICES_ALREADY_DECIDED', JSON.stringify(r.body));
    const audit = await b.request('GET', '/api/v1/moderation/audit?limit=500', { token: mod2.token });
    const decisions = audit.body.entries.filter((e: { action: string; targetId: string }) => e.targetId === space.id && e.action.startsWith('decision.'));
    assert.equal(decisions.length, [ra, rb].filter((r) => r.status === 201).length);
    assert.equal(decisions.reduce((n: number, e: { data: { notices: number } }) => n + e.data.notices, 0), 3, 'each notice answered by one decision');

    // A mute reaches the stage before it is recorded: racing mutes are both recorded, the notices still answered once.
    const speaker = await register(a, 'tsx_speaker');
    const invite = await b.request('POST', `/api/v1/spaces/${space.id}/stage-tokens`, { token: host.token, body: { role: 'speaker' } });
    const seat = (await a.request('POST', `/api/v1/spaces/${space.id}/stage-tokens/redeem`, { token: speaker.token, body: { token: invite.body.token } })).body as { id: string };
    for (let i = 0; i < 2; i++) {
      assert.equal((await (i ? a : b).request('POST', '/api/v1/notices', { body: { targetType: 'user', targetId: seat.id, atMs: 5000 + i, category: 'STATEMENT_CATEGORY_OTHER_VIOLATION_TC', explanation: `Shouting over everyone, part ${i}.`, ...notifier } })).status, 201);
    }
    const mutes = await Promise.all([[a, mod1], [b, mod2]].map(([server, mod]) => (server as TestServer).request('POST', '/api/v1/moderation/decisions',
      { token: (mod as Account).token, body: { targetType: 'user', targetId: seat.id, action: 'mute_speaker', ...terms } })));
    assert.deepEqual(mutes.map((r) => r.status), [201, 201], JSON.stringify(mutes.map((r) => r.body)));
    const muteEntries = (await a.request('GET', '/api/v1/moderation/audit?limit=500', { token: mod1.token })).body.entries
      .filter((e: { action: string; targetId: string }) => e.targetId === seat.id && e.action === 'decision.mute_speaker');
    assert.equal(muteEntries.length, 2);
    assert.equal(muteEntries.reduce((n: number, e: { data: { notices: number } }) => n + e.data.notices, 0), 2, 'each notice answered by one decision');
    assert.equal((await a.request('GET', '/api/v1/moderation/audit/verify', { token: mod1.token })).body.ok, true);
  });

  test('a suspension decided on B holds on A; its reversal on A lifts it on B', async () => {
    const target = await register(a, 'tsx_target');
    assert.equal((await a.request('POST', '/api/v1/spaces', { token: target.token, body: { title: 'before' } })).status, 201);
    const suspended = await b.request('POST', '/api/v1/moderation/decisions', { token: mod2.token, body: { targetType: 'user', targetId: target.user.id, action: 'suspend_account', ...terms, endsAt: new Date(Date.now() + 7 * 86_400_000).toISOString() } });
    assert.equal(suspended.status, 201, JSON.stringify(suspended.body));
    assert.ok(await until(async () => (await a.request('POST', '/api/v1/spaces', { token: target.token, body: { title: 'during' } })).status === 403, 10_000, 200),
      'origin A refuses the suspended account');
    const appeal = await a.request('POST', '/api/v1/appeals', { token: target.token, body: { decisionId: suspended.body.id, explanation: 'Not spam.' } });
    assert.equal(appeal.status, 201, JSON.stringify(appeal.body));
    const again = await b.request('POST', '/api/v1/appeals', { token: target.token, body: { decisionId: suspended.body.id, explanation: 'Twice.' } });
    assert.equal(again.body.error.code, 'APPEAL_EXISTS');
    assert.equal((await a.request('POST', `/api/v1/moderation/appeals/${appeal.body.id}/decision`, { token: mod1.token, body: { outcome: 'reversed', reasons: 'On reflection, on topic.' } })).status, 200);
    assert.equal((await b.request('POST', `/api/v1/moderation/appeals/${appeal.body.id}/decision`, { token: mod1.token, body: { outcome: 'upheld', reasons: 'late' } })).body.error.code, 'APPEAL_ALREADY_DECIDED');
    assert.ok(await until(async () => (await b.request('POST', '/api/v1/spaces', { token: target.token, body: { title: 'after' } })).status === 201, 10_000, 200),
      'origin B reinstates the account');
  });

  test('a note written on A, rated on B: A\'s scores count the ratings', async () => {
    const host = await register(a, 'tsx_notes_host');
    const author = await register(a, 'tsx_author');
    const raters = [await register(b, 'tsx_rater1'), await register(b, 'tsx_rater2')];
    const space = await liveSpace(a, host, 'Noted');
    const note = await a.request('POST', `/api/v1/spaces/${space.id}/notes`, { token: author.token, body: { text: 'The figure quoted is from 2019.', sources: ['https://example.org/report'], atMs: 5000 } });
    assert.equal(note.status, 201, JSON.stringify(note.body));
    const ratingsOnA = async () => ((await a.request('GET', `/api/v1/spaces/${space.id}/notes`)).body.notes.find((n: { id: string }) => n.id === note.body.id)?.ratings as number);
    assert.equal(await ratingsOnA(), 0, 'A has scored the note once already');
    for (const r of raters) assert.equal((await b.request('POST', `/api/v1/notes/${note.body.id}/ratings`, { token: r.token, body: { helpfulness: 'HELPFUL' } })).status, 204);
    assert.equal((await b.request('POST', `/api/v1/notes/${note.body.id}/ratings`, { token: raters[0]!.token, body: { helpfulness: 'NOT_HELPFUL' } })).status, 204, 'a second rating replaces the first');
    assert.ok(await until(async () => (await ratingsOnA()) === 2, 10_000, 200), `ratings on A: ${await ratingsOnA()}`);
  });

  test('follow on A, "live for you" on B; one go-live push, signed with the key both origins serve', async () => {
    const host = await register(a, 'tsx_push_host');
    const fan = await register(b, 'tsx_fan');
    assert.equal((await a.request('PUT', '/api/v1/profiles/tsx_push_host/follow', { token: fan.token })).status, 204);
    assert.equal((await b.request('PUT', '/api/v1/profiles/tsx_push_host/follow', { token: fan.token })).status, 204, 'following twice is still one follow');
    assert.equal((await b.request('GET', '/api/v1/profiles/tsx_push_host/follow', { token: fan.token })).body.followers, 1);

    const [keyA, keyB] = await Promise.all([a.request('GET', '/api/v1/push/key'), b.request('GET', '/api/v1/push/key')]);
    assert.equal(keyA.body.publicKey, keyB.body.publicKey, 'one VAPID key for the deployment');
    const sub = push.subscription('tsx_fan');
    assert.equal((await b.request('POST', '/api/v1/me/push-subscriptions', { token: fan.token, body: { endpoint: sub.endpoint, keys: sub.keys } })).status, 204);
    push.received.length = 0;

    const space = (await a.request('POST', '/api/v1/spaces', { token: host.token, body: { title: 'Going live' } })).body;
    const starts = await Promise.all([a, b, a, b].map((s) => s.request('POST', `/api/v1/spaces/${space.id}/start`, { token: host.token })));
    assert.deepEqual(starts.map((r) => r.status).sort(), [200, 409, 409, 409]);
    const live = await b.request('GET', '/api/v1/me/notifications', { token: fan.token });
    assert.ok(JSON.stringify(live.body).includes(space.id), JSON.stringify(live.body));

    assert.ok(await until(() => push.received.length >= 1, 10_000, 50), 'the follower is pushed');
    await Promise.all([a, b].map((s) => s.close()));
    assert.equal(push.received.length, 1, 'once, whichever origin started the Space');
    const r = push.received[0]!;
    assert.match(String(r.headers.authorization), new RegExp(`k=${keyA.body.publicKey}$`));
    assert.equal(JSON.parse(sub.decrypt(r.body)).spaceId, space.id);
  });
});
