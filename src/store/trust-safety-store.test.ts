import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { postgresFixture, sqliteFixture, type StoreFixture } from '../../test/helpers/cluster-engines.js';
import { verifyChain } from '../trust-safety/audit-chain.js';
import type { Appeal, Decision, NewAuditEntry, Notice } from '../trust-safety/types.js';
import type { Space } from '../domain/types.js';
import type { Store } from './store.js';

// Trust & safety, context notes and follows on every Store: SQLite (the embedded default) and PostgreSQL
// (cluster mode, whose pool gives truly parallel writers, as several origins would be).

const T0 = Date.parse('2026-11-01T10:00:00.000Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
let serial = 0;
const id = (p: string) => `${p}_${String(++serial).padStart(12, '0')}`;

async function user(store: Store): Promise<string> {
  const uid = id('u');
  assert.equal(await store.users.create({ id: uid, handle: uid, displayName: uid, passwordHash: 'x', platformRole: 'user', createdAt: at(0) }), true);
  return uid;
}

async function liveSpace(store: Store, hostId?: string): Promise<Space> {
  const s: Space = {
    id: id('sp'), title: 'T', description: '', language: 'fr', hostId: hostId ?? await user(store), state: 'scheduled', scheduledStart: null, timeZone: null,
    createdAt: at(0), startedAt: null, endedAt: null, maxOnStage: 13, maxCohosts: 2,
  };
  await store.spaces.create(s);
  return (await store.spaces.transition(s.id, 'scheduled', { state: 'live', startedAt: at(serial) }))!;
}

const audit = (action: string, targetId = 'x', data: Record<string, unknown> = {}): NewAuditEntry =>
  ({ at: at(serial), actorId: 'u_mod', action, targetType: 'space', targetId, reason: 'r', data });

const notice = (targetId: string, over: Partial<Notice> = {}): Notice => ({
  id: id('n'), targetType: 'space', targetId, spaceId: targetId, atMs: 1000, category: 'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH',
  explanation: 'Explained at length.', notifierName: 'N', notifierEmail: 'n@example.org', notifierUserId: null, trusted: false,
  receivedAt: at(++serial), state: 'open', decisionId: null, closedAt: null, ...over,
});

const decision = (targetId: string, over: Partial<Decision> = {}): Decision => ({
  id: id('d'), action: 'label', targetType: 'space', targetId, spaceId: targetId, atMs: null, affectedUserId: null,
  ground: 'DECISION_GROUND_INCOMPATIBLE_CONTENT', legalGround: null, termsClause: 'Terms §1', explanation: 'e', facts: 'f',
  category: 'STATEMENT_CATEGORY_OTHER_VIOLATION_TC', keywords: [], source: 'notice', noticeIds: [], contentDate: at(0), contentLanguage: 'fr',
  decidedBy: 'u_mod', decidedAt: at(++serial), endsAt: null, undo: null, state: 'in_force', reversedAt: null, manifestlyIllegal: false, automated: false,
  ...over,
});

const appeal = (decisionId: string, appellantId: string): Appeal => ({
  id: id('ap'), decisionId, appellantId, explanation: 'Please look again.', submittedAt: at(++serial), state: 'open', decidedBy: null, decidedAt: null, reasons: null,
});

async function wholeLog(store: Store) {
  const entries = [];
  for (let afterSeq = 0; ;) {
    const page = await store.trustSafety.auditEntries(afterSeq, 100);
    entries.push(...page);
    if (page.length < 100) return entries;
    afterSeq = page.at(-1)!.seq;
  }
}

for (const fixture of [sqliteFixture(), postgresFixture()] as StoreFixture[]) {
  describe(`Trust & safety, notes and follows on ${fixture.name}`, () => {
    after(() => fixture.cleanup());

    test('the audit log stays one chain under 60 concurrent appends, acts and lone entries mixed', async () => {
      const store = await fixture.open();
      const space = await liveSpace(store);
      const writes = Array.from({ length: 60 }, (_, i) => (i % 3 === 0
        ? store.trustSafety.createNotice(notice(space.id), audit('notice.received', space.id, { i }))
        : store.trustSafety.appendAudit(audit('export', space.id, { i })).then(() => undefined)));
      await Promise.all(writes);
      const log = await wholeLog(store);
      assert.equal(log.length, 60);
      assert.deepEqual(verifyChain(log), { ok: true, entries: 60, brokenAt: null });
      assert.deepEqual([...log.map((e) => e.seq)].sort((a, b) => a - b), log.map((e) => e.seq), 'read in chain order');
      assert.equal(new Set(log.map((e) => e.data.i)).size, 60, 'every act has its entry');
      assert.equal((await store.trustSafety.queueItem('space', space.id))?.openNotices, 20, 'twenty notices counted on one queue row');
    });

    test('the queue: trusted flaggers first, then the oldest; keyset pages; a decision takes the target out', async () => {
      const store = await fixture.open();
      const [s1, s2, s3] = [await liveSpace(store), await liveSpace(store), await liveSpace(store)];
      await store.trustSafety.createNotice(notice(s1.id), audit('n'));
      await store.trustSafety.createNotice(notice(s2.id), audit('n'));
      await store.trustSafety.createNotice(notice(s3.id, { trusted: true }), audit('n'));
      await store.trustSafety.createNotice(notice(s1.id), audit('n'));
      const first = await store.trustSafety.queue(null, 2);
      assert.deepEqual(first.map((q) => [q.targetId, q.openNotices, q.trustedNotices]), [[s3.id, 1, 1], [s1.id, 2, 0]]);
      const rest = await store.trustSafety.queue(first.at(-1)!.rankKey, 2);
      assert.deepEqual(rest.map((q) => q.targetId), [s2.id]);
      assert.equal((await store.trustSafety.openNoticesOf('space', s1.id, 10)).length, 2);

      const open = await store.trustSafety.openNoticesOf('space', s1.id, 10);
      assert.equal(await store.trustSafety.recordDecision(decision(s1.id, { noticeIds: open.map((n) => n.id) }), { unfounded: true }, audit('decision.label')), true);
      assert.deepEqual((await store.trustSafety.queue(null, 10)).map((q) => q.targetId), [s3.id, s2.id]);
      const closed = await store.trustSafety.notice(open[0]!.id);
      assert.equal(closed?.state, 'closed');
      assert.equal((await store.trustSafety.unfoundedNotices('nobody', at(0))).count, 0);
      assert.equal((await store.trustSafety.labelsOf(s1.id)).length, 1);
      assert.equal((await store.trustSafety.noticesBetween(at(0), at(1e6))).length, 4);
      assert.deepEqual((await store.trustSafety.locate('space', s1.id))?.spaceState, 'live');
      assert.equal(await store.trustSafety.locate('question', 'q_missing'), null);
    });

    test('one decision per notice: of six moderators deciding the same notices at once, one is recorded', async () => {
      const store = await fixture.open();
      const space = await liveSpace(store);
      for (let i = 0; i < 3; i++) await store.trustSafety.createNotice(notice(space.id), audit('notice.received'));
      const noticeIds = (await store.trustSafety.openNoticesOf('space', space.id, 10)).map((n) => n.id);
      const decisions = Array.from({ length: 6 }, () => decision(space.id, { noticeIds }));
      const outcomes = await Promise.all(decisions.map((d) => store.trustSafety.recordDecision(d, { unfounded: false }, audit('decision.label', space.id, { d: d.id }))));
      assert.equal(outcomes.filter(Boolean).length, 1);
      const winner = decisions[outcomes.indexOf(true)]!;
      for (const nid of noticeIds) assert.equal((await store.trustSafety.notice(nid))?.decisionId, winner.id);
      for (const d of decisions) if (d !== winner) assert.equal(await store.trustSafety.decision(d.id), null, 'a refused decision leaves no row');
      const log = await wholeLog(store);
      assert.deepEqual(log.map((e) => e.action), ['notice.received', 'notice.received', 'notice.received', 'decision.label']);
      assert.equal(verifyChain(log).ok, true);
    });

    test('appeals: one per decision, answered once; a reversal of "no action" puts the notices back in the queue', async () => {
      const store = await fixture.open();
      const space = await liveSpace(store);
      const notifier = await user(store);
      await store.trustSafety.createNotice(notice(space.id, { notifierUserId: notifier }), audit('notice.received'));
      const noticeIds = (await store.trustSafety.openNoticesOf('space', space.id, 10)).map((n) => n.id);
      const d = decision(space.id, { action: 'no_action', noticeIds });
      assert.equal(await store.trustSafety.recordDecision(d, { unfounded: false }, audit('decision.no_action')), true);
      assert.equal(await store.trustSafety.queueItem('space', space.id).then((q) => q?.openNotices), 0);

      const lodged = Array.from({ length: 6 }, () => appeal(d.id, notifier));
      const created = await Promise.all(lodged.map((a) => store.trustSafety.createAppeal(a, audit('appeal.lodged'))));
      assert.equal(created.filter(Boolean).length, 1);
      const kept = (await store.trustSafety.appealOf(d.id))!;
      assert.equal(kept.id, lodged[created.indexOf(true)]!.id);
      assert.deepEqual((await store.trustSafety.openAppeals(10)).map((a) => a.id), [kept.id]);

      const answers = Array.from({ length: 4 }, (_, i) => ({ ...kept, state: 'reversed' as const, decidedBy: `u_mod${i}`, decidedAt: at(++serial), reasons: `r${i}` }));
      const answered = await Promise.all(answers.map((a) => store.trustSafety.decideAppeal(a, true, audit('appeal.reversed'), { kind: 'reopen-notices', decisionId: d.id })));
      assert.equal(answered.filter(Boolean).length, 1);
      assert.equal((await store.trustSafety.appeal(kept.id))?.decidedBy, answers[answered.indexOf(true)]!.decidedBy);
      assert.equal((await store.trustSafety.decision(d.id))?.state, 'reversed');
      assert.equal((await store.trustSafety.notice(noticeIds[0]!))?.state, 'open');
      assert.equal((await store.trustSafety.queueItem('space', space.id))?.openNotices, 1, 'back in the queue');
      assert.equal((await store.trustSafety.queue(null, 10)).length, 1);
      assert.equal((await wholeLog(store)).filter((e) => e.action.startsWith('appeal.')).length, 2, 'one lodged, one answered');
    });

    test('an act whose audit entry cannot be written leaves nothing; when it can, the act, its record and its entry commit together', async () => {
      const store = await fixture.open();
      const space = await liveSpace(store);
      const qid = id('q');
      await store.questions.create({ id: qid, spaceId: space.id, authorId: space.hostId, text: 'Q?', anonymous: false, state: 'approved', votes: 0, highlighted: false, createdAt: at(0), answeredAt: null });
      const d = decision(qid, { action: 'dismiss_question', targetType: 'question', undo: { state: 'approved' } });
      const effect = { kind: 'question-state', questionId: qid, state: 'dismissed' } as const;
      // A value JSON cannot carry makes the append throw inside the transaction.
      const broken = audit('decision.dismiss_question', qid, { n: 1n as unknown as number });
      await assert.rejects(store.trustSafety.recordDecision(d, { unfounded: false, effect }, broken));
      assert.equal(await store.trustSafety.decision(d.id), null);
      assert.equal((await store.questions.byId(space.id, qid))?.state, 'approved');
      assert.deepEqual(await store.trustSafety.auditEntries(0, 10), []);

      assert.equal(await store.trustSafety.recordDecision(d, { unfounded: false, effect }, audit('decision.dismiss_question')), true);
      assert.equal((await store.questions.byId(space.id, qid))?.state, 'dismissed');
      const a = appeal(d.id, space.hostId);
      assert.equal(await store.trustSafety.createAppeal(a, audit('appeal.lodged')), true);
      const reversed = { ...a, state: 'reversed' as const, decidedBy: 'u_mod2', decidedAt: at(++serial), reasons: 'ok' };
      const undo = { kind: 'question-state', questionId: qid, state: 'approved' } as const;
      await assert.rejects(store.trustSafety.decideAppeal(reversed, true, broken, undo));
      assert.equal((await store.questions.byId(space.id, qid))?.state, 'dismissed', 'a failed reversal undoes nothing');
      assert.equal((await store.trustSafety.appeal(a.id))?.state, 'open');
      assert.equal(await store.trustSafety.decideAppeal(reversed, true, audit('appeal.reversed'), undo), true);
      assert.equal((await store.questions.byId(space.id, qid))?.state, 'approved');
      assert.deepEqual((await store.trustSafety.auditEntries(0, 10)).map((e) => e.action), ['decision.dismiss_question', 'appeal.lodged', 'appeal.reversed']);
    });

    test('restrictions in force, trusted flaggers, misuse counts and DSA submissions', async () => {
      const store = await fixture.open();
      const target = await user(store);
      const suspend = decision(target, { action: 'suspend_account', targetType: 'user', spaceId: null, affectedUserId: target, endsAt: at(1e5), manifestlyIllegal: true });
      assert.equal(await store.trustSafety.recordDecision(suspend, { unfounded: false }, audit('decision.suspend_account')), true);
      assert.deepEqual((await store.trustSafety.decisionsInForce(['suspend_account', 'terminate_account'])).map((d) => d.id), [suspend.id]);
      assert.deepEqual(await store.trustSafety.decision(suspend.id), suspend, 'read back as written');
      assert.equal(await store.trustSafety.manifestlyIllegalCount(target, at(0)), 1);
      assert.deepEqual((await store.trustSafety.decisionsAffecting(target, 10)).map((d) => d.id), [suspend.id]);
      assert.equal((await store.trustSafety.decisionsBetween(at(0), at(1e6))).length, 1);

      await store.trustSafety.setTrustedFlagger(target, true, 'u_admin', audit('trusted-flagger.granted'));
      await store.trustSafety.setTrustedFlagger(target, true, 'u_admin', audit('trusted-flagger.granted'));
      assert.equal(await store.trustSafety.isTrustedFlagger(target), true);
      await store.trustSafety.setTrustedFlagger(target, false, 'u_admin', audit('trusted-flagger.revoked'));
      assert.equal(await store.trustSafety.isTrustedFlagger(target), false);

      await store.trustSafety.warn(target, 'manifestly_illegal', audit('misuse.warning'));
      assert.ok(await store.trustSafety.lastWarning(target, 'manifestly_illegal', at(0)));
      assert.equal(await store.trustSafety.lastWarning(target, 'unfounded_notices', at(0)), null);
      assert.equal((await store.trustSafety.warnings(target, at(0))).length, 1);

      await store.trustSafety.markSubmitted(['p1', 'p2'], at(1));
      await store.trustSafety.markSubmitted(['p2', 'p3'], at(2));
      assert.deepEqual([...await store.trustSafety.submitted(['p1', 'p3', 'p4'])].sort(), ['p1', 'p3']);
      assert.equal(verifyChain(await wholeLog(store)).ok, true);
    });

    test('notes: one rating per rater and note under concurrency, the last write kept; hidden notes', async () => {
      const store = await fixture.open();
      const space = await liveSpace(store);
      const author = await user(store);
      const rater = await user(store);
      const note = { id: id('nt'), spaceId: space.id, questionId: null, atMs: 5000, authorId: author, text: 'Context.', sources: ['https://example.org/a'], createdAt: at(1), hidden: false };
      await store.notes.create(note);
      assert.deepEqual(await store.notes.byId(note.id), note);
      const levels = ['HELPFUL', 'SOMEWHAT_HELPFUL', 'NOT_HELPFUL'] as const;
      await Promise.all(Array.from({ length: 12 }, (_, i) => store.notes.rate({ noteId: note.id, raterId: rater, level: levels[i % 3]!, createdAt: at(10 + i) })));
      assert.equal(await store.notes.ratingCount(), 1);
      assert.equal((await store.notes.allRatings()).length, 1);
      await store.notes.rate({ noteId: note.id, raterId: rater, level: 'HELPFUL', createdAt: at(100) });
      assert.deepEqual(await store.notes.allRatings(), [{ noteId: note.id, raterId: rater, level: 'HELPFUL', createdAt: at(100) }]);
      await store.notes.setHidden(note.id, true);
      assert.equal((await store.notes.ofSpace(space.id))[0]?.hidden, true);
      assert.equal((await store.trustSafety.locate('note', note.id))?.ownerId, author);
    });

    test('follows and reminders: idempotent under concurrency; "live for you" is read at read time', async () => {
      const store = await fixture.open();
      const host = await user(store);
      const fan = await user(store);
      const follows = await Promise.all(Array.from({ length: 8 }, () => store.follows.follow(fan, host, at(1))));
      assert.equal(follows.filter(Boolean).length, 1);
      assert.equal(await store.follows.followerCount(host), 1);
      assert.equal(await store.follows.isFollowing(fan, host), true);
      const space = await liveSpace(store, host);
      assert.deepEqual((await store.follows.liveFor(fan, 10)).map((s) => s.id), [space.id]);
      await Promise.all([store.follows.unfollow(fan, host), store.follows.unfollow(fan, host)]);
      assert.equal(await store.follows.isFollowing(fan, host), false);
      assert.deepEqual(await store.follows.liveFor(fan, 10), []);
      await Promise.all([store.follows.remind(fan, space.id, at(2)), store.follows.remind(fan, space.id, at(3))]);
      assert.equal(await store.follows.isReminded(fan, space.id), true);
      assert.deepEqual((await store.follows.liveFor(fan, 10)).map((s) => s.id), [space.id]);
      await store.follows.unremind(fan, space.id);
      assert.equal(await store.follows.isReminded(fan, space.id), false);

      // A scheduled Space with reminders (and a claimed push) is deleted with them, in one transaction.
      const scheduled: Space = { ...space, id: id('sp'), state: 'scheduled', startedAt: null };
      await store.spaces.create(scheduled);
      await store.follows.remind(fan, scheduled.id, at(4));
      assert.equal(await store.follows.claimGoLivePush(scheduled.id, at(4)), true);
      await store.spaces.delete(scheduled.id);
      assert.equal(await store.spaces.byId(scheduled.id), null);
      assert.equal(await store.follows.isReminded(fan, scheduled.id), false);
    });

    test('push: one subscription per endpoint, an account keeps its newest few under concurrent saves; the audience pages by endpoint', async () => {
      const store = await fixture.open();
      const host = await user(store);
      const space = await liveSpace(store, host);
      const [fan, other] = [await user(store), await user(store)];
      await store.follows.follow(fan, host, at(1));
      const sub = (endpoint: string, userId: string, s: number) => ({ endpoint, userId, p256dh: 'k', auth: 'a', createdAt: at(s) });
      await Promise.all(Array.from({ length: 6 }, (_, i) => store.follows.savePushSubscription({ ...sub('https://push.example/same', fan, 5), auth: `a${i}` }, 3)));
      await Promise.all(Array.from({ length: 10 }, (_, i) => store.follows.savePushSubscription(sub(`https://push.example/f${String(i).padStart(2, '0')}`, fan, 10 + i), 3)));
      const kept = await store.follows.pushAudience(host, space.id, '', 100);
      assert.equal(kept.length, 3, 'the newest three of the account');
      assert.deepEqual(kept.map((s) => s.endpoint), ['https://push.example/f07', 'https://push.example/f08', 'https://push.example/f09']);
      await store.follows.remind(other, space.id, at(3));
      await store.follows.savePushSubscription(sub('https://push.example/o', other, 30), 3);
      const page1 = await store.follows.pushAudience(host, space.id, '', 2);
      const page2 = await store.follows.pushAudience(host, space.id, page1.at(-1)!.endpoint, 2);
      assert.deepEqual([...page1, ...page2].map((s) => s.endpoint), ['https://push.example/f07', 'https://push.example/f08', 'https://push.example/f09', 'https://push.example/o']);
      await store.follows.deletePushSubscription('https://push.example/o');
      assert.equal((await store.follows.pushAudience(host, space.id, '', 100)).length, 3);
    });

    test('a go-live push is claimed once; the VAPID pair is the first one offered, whoever asks', async () => {
      const store = await fixture.open();
      const space = await liveSpace(store);
      const claims = await Promise.all(Array.from({ length: 8 }, (_, i) => store.follows.claimGoLivePush(space.id, at(i))));
      assert.equal(claims.filter(Boolean).length, 1);
      const offers = Array.from({ length: 5 }, (_, i) => ({ publicKey: `pub${i}`, privateKey: `priv${i}` }));
      const kept = await Promise.all(offers.map((o) => store.follows.pushKeys(o)));
      assert.equal(new Set(kept.map((k) => k.publicKey)).size, 1);
      assert.ok(offers.some((o) => o.publicKey === kept[0]!.publicKey && o.privateKey === kept[0]!.privateKey));
      assert.deepEqual(await store.follows.pushKeys({ publicKey: 'late', privateKey: 'late' }), kept[0]);
    });
  });
}
