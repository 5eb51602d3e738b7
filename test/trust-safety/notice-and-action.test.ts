import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { register, registerAdmin, startTestServer, type TestServer } from '../helpers/control-server.js';

/** Notice and action through the HTTP API: notices, the queue, decisions, statements, appeals, the log. */

type Account = { token: string; user: { id: string; handle: string } };
let server: TestServer;
let admin: Account, mod1: Account, mod2: Account, host: Account, speaker: Account, fan: Account, flagger: Account, other: Account;

const notifier = { notifierName: 'Camille Martin', notifierEmail: 'camille@example.org', goodFaith: true };
const illegal = {
  ground: 'DECISION_GROUND_ILLEGAL_CONTENT', legalGround: 'Loi du 29 juillet 1881, art. 24 (provocation à la haine)',
  explanation: 'The speaker called for violence against a named group.', facts: 'Live audio at 12:04 of the programme; two notices.',
  category: 'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH',
};

before(async () => {
  server = await startTestServer();
  admin = await registerAdmin(server, 'admin_ts');
  mod1 = await register(server, 'mod_one');
  mod2 = await register(server, 'mod_two');
  host = await register(server, 'host_ts');
  speaker = await register(server, 'speaker_ts');
  fan = await register(server, 'fan_ts');
  flagger = await register(server, 'flagger_ts');
  other = await register(server, 'other_ts');
  for (const m of [mod1, mod2]) {
    const res = await server.request('PUT', `/api/v1/users/${m.user.id}/platform-role`, { token: admin.token, body: { role: 'moderator' } });
    assert.equal(res.status, 200);
  }
});
after(() => server.close());

async function liveSpaceWithSpeaker() {
  const space = (await server.request('POST', '/api/v1/spaces', { token: host.token, body: { title: 'Le grand débat', language: 'fr' } })).body;
  assert.equal((await server.request('POST', `/api/v1/spaces/${space.id}/start`, { token: host.token })).status, 200);
  const invite = await server.request('POST', `/api/v1/spaces/${space.id}/stage-tokens`, { token: host.token, body: { role: 'speaker' } });
  const seat = await server.request('POST', `/api/v1/spaces/${space.id}/stage-tokens/redeem`, { token: speaker.token, body: { token: invite.body.token } });
  assert.equal(seat.status, 200);
  return { space, seat: seat.body as { id: string } };
}

describe('notices (Art. 16)', () => {
  test('a complete notice gets a receipt; each missing part of Art. 16(2) is named', async () => {
    const { space } = await liveSpaceWithSpeaker();
    const base = { targetType: 'space', targetId: space.id, atMs: 724_000, category: 'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH', explanation: 'A speaker called for violence against a group at this moment.' };
    const ok = await server.request('POST', '/api/v1/notices', { body: { ...base, ...notifier } });
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    assert.match(ok.body.id, /^n_/);
    assert.ok(Date.parse(ok.body.receivedAt) <= Date.now());
    assert.deepEqual(Object.keys(ok.body).sort(), ['id', 'receivedAt']);

    const bare = await server.request('POST', '/api/v1/notices', { body: { ...base, explanation: 'bad', goodFaith: false, atMs: undefined } });
    assert.equal(bare.status, 400);
    assert.equal(bare.body.error.code, 'NOTICE_INCOMPLETE');
    assert.equal(bare.body.error.details.missing.length, 5, JSON.stringify(bare.body.error.details));
    const badEmail = await server.request('POST', '/api/v1/notices', { body: { ...base, ...notifier, notifierEmail: 'not-an-address' } });
    assert.equal(badEmail.body.error.code, 'NOTICE_INCOMPLETE');

    // Child sexual abuse material may be reported without a name (Art. 16(2)(c)).
    const exempt = await server.request('POST', '/api/v1/notices', { body: { ...base, category: 'STATEMENT_CATEGORY_PROTECTION_OF_MINORS', goodFaith: true } });
    assert.equal(exempt.status, 201);

    const unknownField = await server.request('POST', '/api/v1/notices', { body: { ...base, ...notifier, severity: 'high' } });
    assert.equal(unknownField.body.error.code, 'VALIDATION_FAILED');
    const badCategory = await server.request('POST', '/api/v1/notices', { body: { ...base, ...notifier, category: 'STATEMENT_CATEGORY_PIRACY' } });
    assert.equal(badCategory.body.error.code, 'VALIDATION_FAILED');
    const nowhere = await server.request('POST', '/api/v1/notices', { body: { ...base, ...notifier, targetId: 'sp_AAAAAAAAAAAA' } });
    assert.equal(nowhere.status, 404);
    assert.equal(nowhere.body.error.code, 'NOTICE_TARGET_NOT_FOUND');
    const textPlain = await server.request('POST', '/api/v1/notices', { body: 'report', headers: { 'content-type': 'text/plain' } });
    assert.equal(textPlain.status, 415);
  });

  test('a notice flood is rate-limited per account', async () => {
    const { space } = await liveSpaceWithSpeaker();
    const body = { targetType: 'space', targetId: space.id, atMs: 1000, category: 'STATEMENT_CATEGORY_SCAMS_AND_FRAUD', explanation: 'Advertises a crypto scam on air repeatedly.', ...notifier };
    const codes: number[] = [];
    for (let i = 0; i < 15; i++) codes.push((await server.request('POST', '/api/v1/notices', { token: other.token, body })).status);
    assert.ok(codes.slice(0, 10).every((c) => c === 201), codes.join());
    assert.equal(codes.at(-1), 429);
  });
});

describe('queue, decision, statement, appeal', () => {
  test('trusted flaggers first, grouped by target, paged; staff only', async () => {
    const { space, seat } = await liveSpaceWithSpeaker();
    const grant = await server.request('PUT', `/api/v1/users/${flagger.user.id}/trusted-flagger`, { token: admin.token, body: { trusted: true } });
    assert.equal(grant.status, 204);
    const byMod = await server.request('PUT', `/api/v1/users/${flagger.user.id}/trusted-flagger`, { token: mod1.token, body: { trusted: true } });
    assert.equal(byMod.body.error.code, 'FORBIDDEN', 'only admins grant the status');
    const report = (token: string, targetType: string, targetId: string) => server.request('POST', '/api/v1/notices', {
      token, body: { targetType, targetId, atMs: 5000, category: 'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH', explanation: 'Hate speech against a religious group, live.', ...notifier },
    });
    assert.equal((await report(fan.token, 'space', space.id)).status, 201);
    assert.equal((await report(fan.token, 'user', seat.id)).status, 201);
    assert.equal((await report(host.token, 'user', seat.id)).status, 201);
    assert.equal((await report(flagger.token, 'user', seat.id)).status, 201);

    assert.equal((await server.request('GET', '/api/v1/moderation/queue', { token: fan.token })).body.error.code, 'FORBIDDEN');
    assert.equal((await server.request('GET', '/api/v1/moderation/queue')).body.error.code, 'AUTH_REQUIRED');
    const queue = await server.request('GET', '/api/v1/moderation/queue?limit=200', { token: mod1.token });
    assert.equal(queue.status, 200);
    const first = queue.body.items[0];
    assert.equal(first.targetId, seat.id, 'the trusted flagger\'s target comes first');
    assert.equal(first.openNotices, 3);
    assert.equal(first.trustedNotices, 1);
    assert.equal(first.notices[0].trusted, true);
    assert.equal(first.spaceId, space.id);
    assert.match(first.listenUrl, new RegExp(`/s/${space.id}#t=5$`));
    assert.ok(!JSON.stringify(first).includes('camille@example.org'), 'the queue shows no notifier address');

    const page1 = await server.request('GET', '/api/v1/moderation/queue?limit=1', { token: mod1.token });
    assert.equal(page1.body.items.length, 1);
    const page2 = await server.request('GET', `/api/v1/moderation/queue?limit=1&cursor=${encodeURIComponent(page1.body.next)}`, { token: mod1.token });
    assert.notEqual(page2.body.items[0].targetId, page1.body.items[0].targetId);
  });

  test('decide → restriction applied, notices closed, statement to the speaker; appeal decided by another person reverses it', async () => {
    const { space, seat } = await liveSpaceWithSpeaker();
    await server.request('POST', '/api/v1/notices', { token: fan.token, body: { targetType: 'user', targetId: seat.id, atMs: 724_000, category: 'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH', explanation: 'Calls for violence against a group, on air.', ...notifier } });

    const incomplete = await server.request('POST', '/api/v1/moderation/decisions', { token: mod1.token, body: { targetType: 'user', targetId: seat.id, action: 'mute_speaker', ...illegal, legalGround: undefined } });
    assert.equal(incomplete.body.error.code, 'DECISION_INCOMPLETE');
    const wrongKind = await server.request('POST', '/api/v1/moderation/decisions', { token: mod1.token, body: { targetType: 'space', targetId: space.id, action: 'mute_speaker', ...illegal } });
    assert.equal(wrongKind.body.error.code, 'DECISION_NOT_APPLICABLE');
    const byAccount = await server.request('POST', '/api/v1/moderation/decisions', { token: mod1.token, body: { targetType: 'user', targetId: speaker.user.id, action: 'mute_speaker', ...illegal } });
    assert.equal(byAccount.body.error.code, 'DECISION_NOT_APPLICABLE', 'muting needs the seat');
    const liveTakedown = await server.request('POST', '/api/v1/moderation/decisions', { token: mod1.token, body: { targetType: 'recording', targetId: space.id, action: 'disable_replay', ...illegal } });
    assert.equal(liveTakedown.body.error.code, 'SPACE_STATE_CONFLICT', 'no replay to take down while live');
    const byFan = await server.request('POST', '/api/v1/moderation/decisions', { token: fan.token, body: { targetType: 'user', targetId: seat.id, action: 'mute_speaker', ...illegal } });
    assert.equal(byFan.body.error.code, 'FORBIDDEN');

    const decided = await server.request('POST', '/api/v1/moderation/decisions', { token: mod1.token, body: { targetType: 'user', targetId: seat.id, action: 'mute_speaker', ...illegal, keywords: ['KEYWORD_INCITEMENT_VIOLENCE_HATRED'] } });
    assert.equal(decided.status, 201, JSON.stringify(decided.body));
    assert.equal(decided.body.source, 'notice');
    assert.equal(decided.body.target.atMs, 724_000, 'the moment comes from the notice');
    const stage = await server.request('GET', `/api/v1/spaces/${space.id}/stage`);
    assert.equal(stage.body.participants.find((p: { id: string }) => p.id === seat.id).muted, true);
    const queue = await server.request('GET', '/api/v1/moderation/queue?limit=200', { token: mod1.token });
    assert.ok(!queue.body.items.some((i: { targetId: string }) => i.targetId === seat.id), 'the notices on the seat are closed');
    const mine = await server.request('GET', '/api/v1/me/notices', { token: fan.token });
    assert.equal(mine.body.notices.find((n: { targetId: string }) => n.targetId === seat.id).decision.id, decided.body.id, 'the notifier learns the decision');

    const statements = await server.request('GET', '/api/v1/me/statements', { token: speaker.token });
    const st = statements.body.statements.find((s: { id: string }) => s.id === decided.body.id);
    assert.equal(st.legalGround, illegal.legalGround);
    assert.deepEqual(st.restriction, { decision_visibility: ['DECISION_VISIBILITY_OTHER'], decision_visibility_other: 'Speaker muted on a live audio stage' });
    assert.ok(Date.parse(st.appealUntil) - Date.parse(st.decidedAt) > 180 * 86_400_000, 'open for six months');
    assert.match(st.redress, /out-of-court/);
    assert.equal((await server.request('GET', `/api/v1/decisions/${decided.body.id}`, { token: fan.token })).body.error.code, 'DECISION_NOT_FOUND', 'not shown to others');

    const notMine = await server.request('POST', '/api/v1/appeals', { token: fan.token, body: { decisionId: decided.body.id, explanation: 'Not my call.' } });
    assert.equal(notMine.body.error.code, 'APPEAL_NOT_ALLOWED');
    const appeal = await server.request('POST', '/api/v1/appeals', { token: speaker.token, body: { decisionId: decided.body.id, explanation: 'I quoted the words to condemn them.' } });
    assert.equal(appeal.status, 201);
    assert.equal((await server.request('POST', '/api/v1/appeals', { token: speaker.token, body: { decisionId: decided.body.id, explanation: 'again' } })).body.error.code, 'APPEAL_EXISTS');
    const open = await server.request('GET', '/api/v1/moderation/appeals', { token: mod2.token });
    assert.ok(open.body.appeals.some((a: { appeal: { id: string } }) => a.appeal.id === appeal.body.id));
    const same = await server.request('POST', `/api/v1/moderation/appeals/${appeal.body.id}/decision`, { token: mod1.token, body: { outcome: 'reversed', reasons: 'x' } });
    assert.equal(same.body.error.code, 'APPEAL_SAME_DECIDER');
    const reversed = await server.request('POST', `/api/v1/moderation/appeals/${appeal.body.id}/decision`, { token: mod2.token, body: { outcome: 'reversed', reasons: 'The recording shows a quotation, condemned in the next sentence.' } });
    assert.equal(reversed.status, 200, JSON.stringify(reversed.body));
    assert.equal(reversed.body.statement.state, 'reversed');
    assert.equal((await server.request('POST', `/api/v1/moderation/appeals/${appeal.body.id}/decision`, { token: admin.token, body: { outcome: 'upheld', reasons: 'x' } })).body.error.code, 'APPEAL_ALREADY_DECIDED');
    const after = await server.request('GET', '/api/v1/me/statements', { token: speaker.token });
    const now = after.body.statements.find((s: { id: string }) => s.id === decided.body.id);
    assert.equal(now.state, 'reversed');
    assert.equal(now.appeal.state, 'reversed');
  });

  test('a reversed suspension reinstates the account; a reversed dismissal restores the question; a disabled replay comes back', async () => {
    const { space } = await liveSpaceWithSpeaker();
    const question = await server.request('POST', `/api/v1/spaces/${space.id}/questions`, { token: speaker.token, body: { text: 'Is it true that the vote is rigged?' } });
    assert.equal(question.status, 201);
    const terms = { ground: 'DECISION_GROUND_INCOMPATIBLE_CONTENT', termsClause: 'Terms §4.2, spam', explanation: 'Repeated off-topic promotion.', facts: 'Question text promoted a product.', category: 'STATEMENT_CATEGORY_OTHER_VIOLATION_TC' };

    const dismissed = await server.request('POST', '/api/v1/moderation/decisions', { token: mod1.token, body: { targetType: 'question', targetId: question.body.id, action: 'dismiss_question', ...terms } });
    assert.equal(dismissed.status, 201, JSON.stringify(dismissed.body));
    const hidden = await server.request('GET', `/api/v1/spaces/${space.id}/questions?state=dismissed`, { token: host.token });
    assert.ok(hidden.body.questions.some((q: { id: string }) => q.id === question.body.id));

    const suspended = await server.request('POST', '/api/v1/moderation/decisions', { token: mod1.token, body: { targetType: 'user', targetId: speaker.user.id, action: 'suspend_account', ...terms, endsAt: new Date(Date.now() + 7 * 86_400_000).toISOString() } });
    assert.equal(suspended.status, 201, JSON.stringify(suspended.body));
    assert.deepEqual(Object.keys(suspended.body.restriction).sort(), ['decision_account', 'end_date_account_restriction']);
    const blocked = await server.request('POST', '/api/v1/spaces', { token: speaker.token, body: { title: 'x' } });
    assert.equal(blocked.status, 403);
    assert.equal(blocked.body.error.code, 'ACCOUNT_RESTRICTED');
    assert.equal((await server.request('GET', '/api/v1/me/statements', { token: speaker.token })).status, 200, 'a suspended account still reads its statements');

    for (const d of [dismissed.body, suspended.body]) {
      const appeal = await server.request('POST', '/api/v1/appeals', { token: speaker.token, body: { decisionId: d.id, explanation: 'This was on topic.' } });
      assert.equal(appeal.status, 201, `a suspended account can appeal: ${JSON.stringify(appeal.body)}`);
      const res = await server.request('POST', `/api/v1/moderation/appeals/${appeal.body.id}/decision`, { token: mod2.token, body: { outcome: 'reversed', reasons: 'On reflection, on topic.' } });
      assert.equal(res.status, 200);
    }
    const restored = await server.request('GET', `/api/v1/spaces/${space.id}/questions?state=pending`, { token: host.token });
    assert.ok(restored.body.questions.some((q: { id: string }) => q.id === question.body.id), 'the question is back in the queue');
    assert.equal((await server.request('POST', '/api/v1/spaces', { token: speaker.token, body: { title: 'back' } })).status, 201, 'the account is reinstated');

    await server.request('POST', `/api/v1/spaces/${space.id}/end`, { token: host.token });
    const takedown = await server.request('POST', '/api/v1/moderation/decisions', { token: mod1.token, body: { targetType: 'recording', targetId: space.id, action: 'disable_replay', ...illegal } });
    assert.equal(takedown.status, 201);
    const gone = await server.request('GET', `/hls/${space.id}/replay.m3u8`);
    assert.equal(gone.body.error.code, 'REPLAY_NOT_AVAILABLE');
    const appeal = await server.request('POST', '/api/v1/appeals', { token: host.token, body: { decisionId: takedown.body.id, explanation: 'The words were a quotation.' } });
    await server.request('POST', `/api/v1/moderation/appeals/${appeal.body.id}/decision`, { token: mod2.token, body: { outcome: 'reversed', reasons: 'Quotation.' } });
    const back = await server.request('GET', `/hls/${space.id}/replay.m3u8`);
    assert.notEqual(back.body.error?.code, 'REPLAY_NOT_AVAILABLE', 'no longer refused by the takedown (this server runs without media, so it is a plain 404)');
  });

  test('a notifier appeals a decision not to act; reversing it puts the notices back in the queue', async () => {
    const { space } = await liveSpaceWithSpeaker();
    const body = { targetType: 'space', targetId: space.id, atMs: 30_000, category: 'STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS', explanation: 'The guest claimed the vote was rigged, with no evidence.', ...notifier };
    assert.equal((await server.request('POST', '/api/v1/notices', { token: fan.token, body })).status, 201);
    assert.equal((await server.request('POST', '/api/v1/notices', { token: flagger.token, body })).status, 201);
    const none = await server.request('POST', '/api/v1/moderation/decisions', { token: mod1.token, body: { targetType: 'space', targetId: space.id, action: 'no_action', ground: 'DECISION_GROUND_INCOMPATIBLE_CONTENT', termsClause: 'Terms §1', explanation: 'An opinion, not a breach.', facts: 'Political opinion voiced live.', category: 'STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS' } });
    assert.equal(none.status, 201);
    const inQueue = async () => (await server.request('GET', '/api/v1/moderation/queue?limit=200', { token: mod1.token })).body.items.find((i: { targetId: string }) => i.targetId === space.id);
    assert.equal(await inQueue(), undefined);
    assert.equal((await server.request('POST', '/api/v1/appeals', { token: other.token, body: { decisionId: none.body.id, explanation: 'I did not report it.' } })).body.error.code, 'APPEAL_NOT_ALLOWED');
    assert.equal((await server.request('POST', '/api/v1/appeals', { token: host.token, body: { decisionId: none.body.id, explanation: 'Nothing restricted me.' } })).body.error.code, 'APPEAL_NOT_ALLOWED');
    const appeal = await server.request('POST', '/api/v1/appeals', { token: fan.token, body: { decisionId: none.body.id, explanation: 'It is electoral disinformation, please look again.' } });
    assert.equal(appeal.status, 201, JSON.stringify(appeal.body));
    await server.request('POST', `/api/v1/moderation/appeals/${appeal.body.id}/decision`, { token: mod2.token, body: { outcome: 'reversed', reasons: 'Needs a label at least.' } });
    const back = await inQueue();
    assert.ok(back, 'back in the queue');
    assert.deepEqual([back.openNotices, back.trustedNotices], [2, 1]);
    const items = (await server.request('GET', '/api/v1/moderation/queue?limit=200', { token: mod1.token })).body.items as Array<{ targetId: string; trustedNotices: number }>;
    const firstOrdinary = items.findIndex((i) => i.trustedNotices === 0);
    assert.ok(firstOrdinary === -1 || items.findIndex((i) => i.targetId === space.id) < firstOrdinary, 'with its trusted flagger\'s priority');
    const labelled = await server.request('POST', '/api/v1/moderation/decisions', { token: mod2.token, body: { targetType: 'space', targetId: space.id, action: 'label', ...illegal } });
    assert.equal(labelled.body.source, 'trusted_flagger');
    const labels = await server.request('GET', `/api/v1/spaces/${space.id}/labels`);
    assert.deepEqual(labels.body.labels.map((l: { decisionId: string; category: string }) => [l.decisionId, l.category]), [[labelled.body.id, illegal.category]]);
    assert.ok(!JSON.stringify(labels.body).includes(illegal.legalGround), 'listeners see the category, not the reasons');
    const appealLabel = await server.request('POST', '/api/v1/appeals', { token: host.token, body: { decisionId: labelled.body.id, explanation: 'The claim was sourced.' } });
    await server.request('POST', `/api/v1/moderation/appeals/${appealLabel.body.id}/decision`, { token: mod1.token, body: { outcome: 'reversed', reasons: 'Sourced after all.' } });
    assert.deepEqual((await server.request('GET', `/api/v1/spaces/${space.id}/labels`)).body.labels, [], 'a reversed label comes off');
  });

  test('the stage controls used by platform staff produce statements; the host\'s own do not', async () => {
    const { space, seat } = await liveSpaceWithSpeaker();
    const before = (await server.request('GET', '/api/v1/me/statements', { token: speaker.token })).body.statements.length;
    await server.request('POST', `/api/v1/spaces/${space.id}/participants/${seat.id}/mute`, { token: host.token, body: { muted: true } });
    assert.equal((await server.request('GET', '/api/v1/me/statements', { token: speaker.token })).body.statements.length, before, 'a host muting is not the platform restricting');
    const muted = await server.request('POST', `/api/v1/spaces/${space.id}/participants/${seat.id}/mute`, {
      token: mod1.token, body: { muted: true, reason: { ground: 'DECISION_GROUND_ILLEGAL_CONTENT', legalGround: 'Code pénal, art. 433-5', category: 'STATEMENT_CATEGORY_CYBER_VIOLENCE' } },
    });
    assert.equal(muted.status, 200);
    const removed = await server.request('DELETE', `/api/v1/spaces/${space.id}/participants/${seat.id}`, { token: mod1.token });
    assert.equal(removed.status, 204);
    const statements = (await server.request('GET', '/api/v1/me/statements', { token: speaker.token })).body.statements;
    assert.equal(statements.length, before + 2);
    assert.deepEqual(statements.slice(0, 2).map((s: { action: string }) => s.action).sort(), ['mute_speaker', 'remove_speaker']);
    assert.ok(statements.some((s: { legalGround: string | null }) => s.legalGround === 'Code pénal, art. 433-5'));

    const q = await server.request('POST', `/api/v1/spaces/${space.id}/questions`, { token: fan.token, body: { text: 'An insult rather than a question' } });
    await server.request('POST', `/api/v1/spaces/${space.id}/questions/${q.body.id}/action`, { token: mod1.token, body: { action: 'dismiss' } });
    const fanStatements = (await server.request('GET', '/api/v1/me/statements', { token: fan.token })).body.statements;
    assert.ok(fanStatements.some((s: { action: string; target: { id: string } }) => s.action === 'dismiss_question' && s.target.id === q.body.id));

    const ended = await server.request('POST', `/api/v1/spaces/${space.id}/end`, { token: mod1.token });
    assert.equal(ended.status, 200);
    const hostStatements = (await server.request('GET', '/api/v1/me/statements', { token: host.token })).body.statements;
    assert.ok(hostStatements.some((s: { action: string; target: { id: string } }) => s.action === 'end_space' && s.target.id === space.id));
  });
});

test('notices, decisions and appeals are counted for the operator\'s dashboards', async () => {
  const res = await server.request('GET', '/metrics');
  const text = String(res.body);
  assert.match(text, /tribune_notices_total\{category="STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",trusted="true"[^}]*\} [1-9]/);
  assert.match(text, /tribune_moderation_decisions_total\{action="mute_speaker"[^}]*\} [1-9]/);
  assert.match(text, /tribune_appeals_total\{outcome="reversed"[^}]*\} [1-9]/);
});

describe('audit log', () => {
  test('every act is logged in a hash chain; the log refuses edits; a forged entry is detected', async () => {
    const log = await server.request('GET', '/api/v1/moderation/audit?limit=500', { token: mod1.token });
    assert.equal(log.status, 200);
    const actions = new Set(log.body.entries.map((e: { action: string }) => e.action));
    for (const a of ['notice.received', 'decision.mute_speaker', 'appeal.lodged', 'appeal.reversed', 'trusted-flagger.granted', 'decision.suspend_account']) assert.ok(actions.has(a), a);
    assert.ok(!JSON.stringify(log.body).includes('camille@example.org'), 'no notifier data in the append-only log');
    assert.deepEqual((await server.request('GET', '/api/v1/moderation/audit/verify', { token: mod1.token })).body.ok, true);

    const { default: Database } = await import('better-sqlite3');
    const db = new Database(`${server.dataDir}/tribune.db`);
    try {
      assert.throws(() => db.prepare('UPDATE audit_log SET reason = ? WHERE seq = 2').run('nothing happened'), /append-only/);
      assert.throws(() => db.prepare('DELETE FROM audit_log WHERE seq = 2').run(), /append-only/);
      // Someone with the file and the will to drop the guard still cannot hide it.
      db.exec('DROP TRIGGER audit_log_no_update');
      db.prepare('UPDATE audit_log SET reason = ? WHERE seq = 2').run('nothing happened');
    } finally { db.close(); }
    const verdict = await server.request('GET', '/api/v1/moderation/audit/verify', { token: mod1.token });
    assert.deepEqual({ ok: verdict.body.ok, brokenAt: verdict.body.brokenAt }, { ok: false, brokenAt: 2 });
  });
});
