import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { Participant, Question, Space } from '../domain/types.js';
import type { SpaceEvent } from '../bus/events.js';
import { postgresFixture, sqliteFixture, until, type StoreFixture } from '../../test/helpers/cluster-engines.js';
import type { PendingEvent } from './outbox.js';
import type { Store } from './store.js';

// One suite, every Store: SQLite (the embedded default) and PostgreSQL (cluster mode) must keep the same
// invariants, and keep them under concurrent writers (the pool gives PostgreSQL truly parallel ones).

const T0 = Date.parse('2026-03-01T18:00:00.000Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
let serial = 0;
const id = (p: string) => `${p}_${String(++serial).padStart(12, '0')}`;

async function user(store: Store, handle = id('h')): Promise<string> {
  const uid = id('u');
  assert.equal(await store.users.create({ id: uid, handle, displayName: handle, passwordHash: 'x', platformRole: 'user', createdAt: at(serial) }), true);
  return uid;
}

async function space(store: Store, limits: { maxOnStage?: number; maxCohosts?: number } = {}): Promise<{ space: Space; host: Participant }> {
  const hostId = await user(store);
  const s: Space = {
    id: id('sp'), title: 'T', description: '', language: 'en', hostId, state: 'scheduled', scheduledStart: null, timeZone: null,
    createdAt: at(serial), startedAt: null, endedAt: null, maxOnStage: limits.maxOnStage ?? 13, maxCohosts: limits.maxCohosts ?? 2,
  };
  await store.spaces.create(s);
  const host = seat(s.id, hostId, 'host');
  assert.equal(await store.stage.takeSeat(host), 'seated');
  return { space: s, host };
}

const seat = (spaceId: string, userId: string | null, role: Participant['role'] = 'speaker'): Participant => ({
  id: id('p'), spaceId, userId, displayName: 'n', role, muted: false, joinedAt: at(serial), leftAt: null,
});

const tally = (outcomes: readonly string[]) => outcomes.reduce<Record<string, number>>((m, o) => ({ ...m, [o]: (m[o] ?? 0) + 1 }), {});

for (const fixture of [sqliteFixture(), postgresFixture()] as StoreFixture[]) {
  describe(`Store on ${fixture.name}`, () => {
    after(() => fixture.cleanup());

    test('users: handles are unique case-insensitively; byId never carries the password hash', async () => {
      const store = await fixture.open();
      const a = await user(store, 'Ada');
      assert.equal(await store.users.create({ id: id('u'), handle: 'ada', displayName: 'x', passwordHash: 'y', platformRole: 'user', createdAt: at(0) }), false);
      assert.equal((await store.users.byHandle('ADA'))?.id, a);
      const byId = await store.users.byId(a);
      assert.equal(byId?.handle, 'Ada');
      assert.equal('passwordHash' in (byId ?? {}), false);
      await store.users.setPlatformRole(a, 'moderator');
      assert.equal((await store.users.byId(a))?.platformRole, 'moderator');
      assert.equal(await store.users.count(), 1);
      assert.equal(await store.users.byId('u_missing'), null);
    });

    test('users: byIds finds a page of users in one call, ignores unknown and repeated ids, no password hash', async () => {
      const store = await fixture.open();
      const ids = [await user(store), await user(store), await user(store)];
      const found = await store.users.byIds([ids[2]!, 'u_missing', ids[0]!, ids[2]!]);
      assert.deepEqual(found.map((u) => u.id).sort(), [ids[0]!, ids[2]!].sort());
      assert.ok(found.every((u) => !('passwordHash' in u) && u.handle.length > 0));
      assert.deepEqual(await store.users.byIds([]), []);
    });

    test('sessions are created, found by hash and deleted', async () => {
      const store = await fixture.open();
      const uid = await user(store);
      await store.sessions.create({ tokenHash: 'h1', userId: uid, createdAt: at(0), expiresAt: at(60) });
      assert.deepEqual(await store.sessions.byTokenHash('h1'), { tokenHash: 'h1', userId: uid, createdAt: at(0), expiresAt: at(60) });
      await store.sessions.delete('h1');
      assert.equal(await store.sessions.byTokenHash('h1'), null);
    });

    test('spaces: a transition is a compare-and-set; of eight concurrent starts exactly one wins', async () => {
      const store = await fixture.open();
      const { space: s } = await space(store);
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => store.spaces.transition(s.id, 'scheduled', { state: 'live', startedAt: at(i) })));
      const winners = results.filter((r) => r !== null);
      assert.equal(winners.length, 1);
      assert.equal(winners[0]!.state, 'live');
      assert.equal((await store.spaces.byId(s.id))?.startedAt, winners[0]!.startedAt);
      assert.equal(await store.spaces.transition(s.id, 'scheduled', { state: 'cancelled', endedAt: at(9) }), null);
      const updated = await store.spaces.update(s.id, { title: 'New', timeZone: 'Europe/Paris' });
      assert.equal(updated?.title, 'New');
      assert.equal(updated?.state, 'live');
    });

    test('spaces: list filters by state and host, newest first, within the limit', async () => {
      const store = await fixture.open();
      const a = await space(store);
      const b = await space(store);
      const c = await space(store);
      await store.spaces.transition(b.space.id, 'scheduled', { state: 'live', startedAt: at(1) });
      assert.deepEqual((await store.spaces.list({ limit: 10 })).map((s) => s.id), [c.space.id, b.space.id, a.space.id]);
      assert.deepEqual((await store.spaces.list({ limit: 2 })).map((s) => s.id), [c.space.id, b.space.id]);
      assert.deepEqual((await store.spaces.list({ states: ['live'], limit: 10 })).map((s) => s.id), [b.space.id]);
      assert.deepEqual((await store.spaces.list({ states: ['scheduled', 'ended'], hostId: a.space.hostId, limit: 10 })).map((s) => s.id), [a.space.id]);
    });

    test('stage capacity: of twenty concurrent seats on a stage of five (host included), four are taken', async () => {
      const store = await fixture.open();
      const { space: s } = await space(store, { maxOnStage: 5, maxCohosts: 2 });
      const users = await Promise.all(Array.from({ length: 20 }, () => user(store)));
      const outcomes = await Promise.all(users.map((u) => store.stage.takeSeat(seat(s.id, u))));
      assert.deepEqual(tally(outcomes), { seated: 4, 'stage-full': 16 });
      assert.equal((await store.stage.onStage(s.id)).length, 5);
    });

    test('one live seat per account: six concurrent seats for the same account, one is taken', async () => {
      const store = await fixture.open();
      const { space: s } = await space(store);
      const u = await user(store);
      const seats = Array.from({ length: 6 }, () => seat(s.id, u));
      const outcomes = await Promise.all(seats.map((p) => store.stage.takeSeat(p)));
      assert.deepEqual(tally(outcomes), { seated: 1, 'already-seated': 5 });
      // The database itself refuses a second live seat, whatever path writes it.
      await assert.rejects(store.stage.addParticipant(seat(s.id, u)));
      const mine = (await store.stage.seatOfUser(s.id, u))!;
      await store.stage.updateParticipant(mine.id, { leftAt: at(5) });
      assert.equal(await store.stage.takeSeat(seat(s.id, u)), 'seated', 'a seat left frees the account to sit again');
    });

    test('co-host cap: seats and promotions racing for two co-host places get two', async () => {
      const store = await fixture.open();
      const { space: s } = await space(store, { maxOnStage: 13, maxCohosts: 2 });
      const users = await Promise.all(Array.from({ length: 5 }, () => user(store)));
      assert.deepEqual(tally(await Promise.all(users.map((u) => store.stage.takeSeat(seat(s.id, u, 'cohost'))))), { seated: 2, 'cohosts-full': 3 });

      const { space: s2 } = await space(store, { maxOnStage: 13, maxCohosts: 2 });
      const speakers = users.map((u) => seat(s2.id, u));
      for (const p of speakers) assert.equal(await store.stage.takeSeat(p), 'seated');
      const promoted = await Promise.all(speakers.map((p) => store.stage.setRole(p.id, 'cohost')));
      assert.equal(promoted.filter((r) => r === 'cohosts-full').length, 3);
      assert.equal(promoted.filter((r) => r !== null && typeof r === 'object' && r.role === 'cohost').length, 2);
      const cohost = promoted.find((r): r is Participant => typeof r === 'object' && r !== null)!;
      assert.equal(typeof (await store.stage.setRole(cohost.id, 'cohost')), 'object', 'a co-host stays one without counting twice');
      assert.equal((await store.stage.setRole(cohost.id, 'speaker') as Participant).role, 'speaker');
      await store.stage.updateParticipant(speakers[4]!.id, { leftAt: at(9) });
      assert.equal(await store.stage.setRole(speakers[4]!.id, 'speaker'), null, 'a seat that was left cannot change');
    });

    test('an invite is redeemed once: ten concurrent redemptions seat one, and the losers leave no row behind', async () => {
      const store = await fixture.open();
      const { space: s } = await space(store);
      await store.stage.createInvite({ tokenHash: 'inv1', spaceId: s.id, role: 'speaker', createdBy: 'x', createdAt: at(0), expiresAt: at(3600), participantId: null, revokedAt: null });
      const users = await Promise.all(Array.from({ length: 10 }, () => user(store)));
      const seats = users.map((u) => seat(s.id, u));
      const outcomes = await Promise.all(seats.map((p) => store.stage.takeSeat(p, { inviteTokenHash: 'inv1' })));
      assert.deepEqual(tally(outcomes), { seated: 1, 'invite-used': 9 });
      const winner = seats[outcomes.indexOf('seated')]!;
      assert.equal((await store.stage.invite('inv1'))?.participantId, winner.id);
      assert.equal((await store.stage.inviteOfParticipant(winner.id))?.tokenHash, 'inv1');
      for (const [i, p] of seats.entries()) if (outcomes[i] !== 'seated') assert.equal(await store.stage.participant(p.id), null, 'no compensating row: never written');
      assert.equal((await store.stage.onStage(s.id)).length, 2);

      await store.stage.revokeInvitesOf(winner.id, at(10));
      await store.stage.createInvite({ tokenHash: 'inv2', spaceId: s.id, role: 'speaker', createdBy: 'x', createdAt: at(0), expiresAt: at(3600), participantId: null, revokedAt: null });
      await store.stage.createInvite({ tokenHash: 'inv3', spaceId: s.id, role: 'cohost', createdBy: 'x', createdAt: at(0), expiresAt: at(3600), participantId: null, revokedAt: at(1) });
      assert.equal(await store.stage.takeSeat(seat(s.id, null), { inviteTokenHash: 'inv3' }), 'invite-used', 'a revoked invite seats nobody');
      assert.equal(await store.stage.takeSeat(seat(s.id, null), { inviteTokenHash: 'inv2' }), 'seated', 'a guest seat (no account)');
    });

    test('onStage lists live seats host first; requests and blocks', async () => {
      const store = await fixture.open();
      const { space: s, host } = await space(store);
      const u1 = await user(store);
      const u2 = await user(store);
      const sp = seat(s.id, u1);
      const co = seat(s.id, u2, 'cohost');
      await store.stage.takeSeat(sp);
      await store.stage.takeSeat(co);
      assert.deepEqual((await store.stage.onStage(s.id)).map((p) => p.id), [host.id, co.id, sp.id]);
      assert.equal((await store.stage.updateParticipant(sp.id, { muted: true }))?.muted, true);
      await store.stage.createRequest({ id: 'rq1', spaceId: s.id, userId: u1, state: 'pending', createdAt: at(1), answeredAt: null });
      assert.equal((await store.stage.pendingRequest(s.id, u1))?.id, 'rq1');
      await store.stage.answerRequest('rq1', 'denied', at(2));
      assert.equal(await store.stage.pendingRequest(s.id, u1), null);
      assert.deepEqual(await store.stage.pendingRequests(s.id), []);
      await store.stage.block(s.id, u1, host.id, at(3));
      await store.stage.block(s.id, u1, host.id, at(4));
      assert.equal(await store.stage.isBlocked(s.id, u1), true);
      assert.equal(await store.stage.isBlocked(s.id, u2), false);
    });

    test('questions: one vote per account under concurrency, counted exactly; one highlight per Space', async () => {
      const store = await fixture.open();
      const { space: s } = await space(store);
      const author = await user(store);
      const qs: Question[] = Array.from({ length: 5 }, (_, i) => ({
        id: id('q'), spaceId: s.id, authorId: author, text: `q${i}`, anonymous: i % 2 === 0, state: 'approved', votes: 0, highlighted: false, createdAt: at(i), answeredAt: null,
      }));
      for (const q of qs) await store.questions.create(q);
      const voter = await user(store);
      const same = await Promise.all(Array.from({ length: 10 }, () => store.questions.vote(qs[0]!.id, voter, at(20))));
      assert.equal(same.filter(Boolean).length, 1);
      const voters = await Promise.all(Array.from({ length: 10 }, () => user(store)));
      assert.ok((await Promise.all(voters.map((v) => store.questions.vote(qs[1]!.id, v, at(21))))).every(Boolean));
      assert.equal((await store.questions.byId(s.id, qs[0]!.id))?.votes, 1);
      assert.equal((await store.questions.byId(s.id, qs[1]!.id))?.votes, 10);
      assert.deepEqual((await store.questions.list(s.id, ['approved'])).map((q) => q.id).slice(0, 2), [qs[1]!.id, qs[0]!.id]);

      await Promise.all(qs.map((q) => store.questions.setHighlighted(s.id, q.id)));
      assert.equal((await store.questions.list(s.id, ['approved'])).filter((q) => q.highlighted).length, 1);
      await store.questions.setHighlighted(s.id, qs[2]!.id);
      await store.questions.setState(qs[2]!.id, 'answered', at(30));
      const answered = await store.questions.byId(s.id, qs[2]!.id);
      assert.equal(answered?.highlighted, false, 'an answered question is no longer highlighted');
      assert.equal(answered?.answeredAt, at(30));
      assert.equal(await store.questions.lastQuestionAt(s.id, author), at(4));
      assert.equal(await store.questions.byId('sp_other', qs[0]!.id), null, 'a question belongs to its Space');
    });

    test('outbox: a write and its event commit together, in commit order; a write that writes nothing leaves no event', async () => {
      const store = await fixture.open();
      const { space: s } = await space(store, { maxOnStage: 2 });
      const on = (event: SpaceEvent) => [{ spaceId: s.id, event }];
      const voted = (q: Question) => on({ type: 'question.voted', questionId: q.id, state: q.state, votes: q.votes, highlighted: q.highlighted });
      const author = await user(store);
      const q: Question = { id: id('q'), spaceId: s.id, authorId: author, text: 'why?', anonymous: false, state: 'approved', votes: 0, highlighted: false, createdAt: at(1), answeredAt: null };
      await store.questions.create(q, on({ type: 'question.created', questionId: q.id, state: 'approved', votes: 0, highlighted: false }));
      // Ten accounts vote at once: each event carries the count its own transaction left.
      const voters = await Promise.all(Array.from({ length: 10 }, () => user(store)));
      await Promise.all(voters.map((v) => store.questions.vote(q.id, v, at(2), voted)));
      assert.equal(await store.questions.vote(q.id, voters[0]!, at(3), voted), false, 'a second vote writes nothing, so no event');
      // Writes that write nothing: a lost compare-and-set, a full stage, an unknown seat.
      assert.equal(await store.spaces.transition(s.id, 'live', { state: 'ended' }, on({ type: 'space.state', state: 'ended' })), null);
      assert.equal(await store.stage.takeSeat(seat(s.id, await user(store)), { events: on({ type: 'stage.changed', reason: 'joined', participantId: 'p_a' }) }), 'seated');
      assert.equal(await store.stage.takeSeat(seat(s.id, await user(store)), { events: on({ type: 'stage.changed', reason: 'joined', participantId: 'p_b' }) }), 'stage-full');
      assert.equal(await store.stage.updateParticipant('p_missing', { muted: true }, on({ type: 'stage.changed', reason: 'muted', participantId: 'p_missing' })), null);
      // A write that fails rolls its event back with it.
      const request = { id: id('rq'), spaceId: s.id, userId: author, state: 'pending' as const, createdAt: at(4), answeredAt: null };
      await store.stage.createRequest(request);
      await assert.rejects(store.stage.createRequest(request, on({ type: 'speak-request.created', requestId: request.id, userId: author, state: 'pending' })));
      await store.stage.answerRequest(request.id, 'withdrawn', at(5), on({ type: 'speak-request.withdrawn', requestId: request.id, userId: author, state: 'withdrawn' }));
      assert.ok(await store.spaces.transition(s.id, 'scheduled', { state: 'live', startedAt: at(6) }, on({ type: 'space.state', state: 'live' })));

      assert.deepEqual((await store.outbox.depth()).map((d) => d.pending), [14]);
      // The relay hands them over in commit order and deletes each one published; a publish that throws stops it there.
      const seen: PendingEvent[] = [];
      await assert.rejects(store.outbox.relay(100, async (e) => {
        if (seen.length === 3) throw new Error('the bus is away');
        seen.push(e);
      }), /the bus is away/);
      assert.deepEqual((await store.outbox.depth()).map((d) => d.pending), [11], 'the three published are gone, the rest wait');
      assert.equal(await store.outbox.relay(100, async (e) => { seen.push(e); }), 11);
      assert.equal(await store.outbox.relay(100, async () => assert.fail('nothing is left')), 0);
      assert.deepEqual(await store.outbox.depth(), []);
      assert.deepEqual(seen.map((e) => e.event.type), ['question.created', ...Array(10).fill('question.voted'), 'stage.changed', 'speak-request.withdrawn', 'space.state']);
      assert.deepEqual(seen.slice(1, 11).map((e) => (e.event as { votes: number }).votes).sort((x, y) => x - y), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
        'each vote\'s event carries the count its transaction left');
      assert.equal(new Set(seen.map((e) => e.eventId)).size, 14, 'event ids are unique');
      assert.ok(seen.every((e) => e.spaceId === s.id && e.origin === 'local'));
    });

    test('outbox: question writes announce the row as they left it; one relay at a time', async () => {
      const store = await fixture.open();
      const { space: s } = await space(store);
      const updated = (q: Question) => [{ spaceId: q.spaceId, event: { type: 'question.updated', questionId: q.id, state: q.state, votes: q.votes, highlighted: q.highlighted } as const }];
      const author = await user(store);
      const q: Question = { id: id('q'), spaceId: s.id, authorId: author, text: 'how?', anonymous: false, state: 'pending', votes: 0, highlighted: false, createdAt: at(1), answeredAt: null };
      await store.questions.create(q);
      await store.questions.setState(q.id, 'approved', null, updated);
      await store.questions.setHighlighted(s.id, q.id, updated);
      await store.questions.setHighlighted(s.id, null, updated);
      // A second relay while the first is inside its round: told 'busy', it publishes nothing.
      let release!: () => void;
      const gate = new Promise<void>((resolve) => { release = resolve; });
      const published: SpaceEvent[] = [];
      const first = store.outbox.relay(10, async (e) => { published.push(e.event); await gate; });
      await until(() => published.length === 1);
      assert.equal(await store.outbox.relay(10, async () => assert.fail('one relay at a time')), 'busy');
      release();
      assert.equal(await first, 2);
      assert.deepEqual(published, [
        { type: 'question.updated', questionId: q.id, state: 'approved', votes: 0, highlighted: false },
        { type: 'question.updated', questionId: q.id, state: 'approved', votes: 0, highlighted: true },
      ]);
    });

    test('audience stats: reactions add up under concurrency; a minute keeps its highest count', async () => {
      const store = await fixture.open();
      const { space: s } = await space(store);
      await Promise.all(Array.from({ length: 20 }, () => store.audience.addReactions(s.id, 1_700_000_000, { clap: 1, heart: 2 })));
      await store.audience.addReactions(s.id, 1_700_000_001, { clap: 3, laugh: 0 });
      assert.deepEqual(await store.audience.reactionTotals(s.id), { clap: 23, heart: 40 });
      await store.audience.recordListeners(s.id, 28_000_001, 50);
      await store.audience.recordListeners(s.id, 28_000_000, 10);
      await store.audience.recordListeners(s.id, 28_000_001, 40);
      assert.deepEqual(await store.audience.listenerHistory(s.id), [{ minute: 28_000_000, count: 10 }, { minute: 28_000_001, count: 50 }]);
      await store.ping();
    });
  });
}
