import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { testRedis } from '../../../test/helpers/cluster-engines.js';
import { TribuneError } from '../../errors/catalogue.js';
import { MemoryWaitingRoom, RedisWaitingRoom } from '../../limits/index.js';
import { WaitingRoom, type WaitingRoomSettings } from './waiting-room.js';

const SECRET = 'the-deployment-secret';
const SETTINGS: WaitingRoomSettings = { setting: 'on', totalActiveUsers: 2, newUsersPerMinute: 60, sessionMinutes: 1, ticketMinutes: 2 };
const { prefix, redis } = testRedis();

/** The refusal a held request gets, or null if it went through. */
async function held(room: WaitingRoom, scope: string | null, ticket?: string): Promise<{ code: string; details: Record<string, unknown> } | null> {
  try {
    await room.admit(scope, ticket);
    return null;
  } catch (err) {
    assert.ok(err instanceof TribuneError);
    return { code: err.code, details: err.details ?? {} };
  }
}

describe('the waiting room across two origins on one Redis', () => {
  it('is one queue: a ticket from one origin checks in at the other, in arrival order', async () => {
    let now = 1_800_000_000_000;
    const origin = () => {
      return new WaitingRoom({ settings: SETTINGS, secret: SECRET, underAttack: () => false, now: () => now, store: new RedisWaitingRoom(redis(), prefix) });
    };
    const [a, b] = [origin(), origin()];
    assert.equal(await held(a, 'sp_one'), null);
    assert.equal(await held(b, 'sp_one'), null);
    const first = await held(a, 'sp_one');
    const second = await held(b, 'sp_two');
    assert.equal(first?.code, 'WAITING_ROOM');
    assert.deepEqual([first?.details['position'], second?.details['position']], [1, 2], 'one queue across both origins');
    now += 61_000;
    // The second in line checks in first, at the other origin: both places are free, so both fit.
    const passB = await b.admit('sp_two', second!.details['ticket'] as string);
    const passA = await b.admit('sp_one', first!.details['ticket'] as string);
    assert.ok(passA.pass && passB.pass);
    assert.equal((await held(a, 'sp_one'))?.details['position'], 1, 'full again: a newcomer waits');
    assert.deepEqual({ ...(await a.state()), setting: undefined }, { ...SETTINGS, setting: undefined, open: true, waiting: 1, active: 2, admittedLastMinute: 2 });
    // A pass works at either origin, in its own Space only.
    assert.equal(await held(a, 'sp_one', passA.pass), null);
    assert.equal((await held(a, 'sp_two', passA.pass))?.code, 'ROOM_TICKET_OTHER_SPACE');
  });
});

describe('the waiting room settings', () => {
  it('auto follows under-attack mode; closed, it holds nobody; an admin resizes it at run time', async () => {
    let attacked = false;
    const room = new WaitingRoom({ settings: { ...SETTINGS, setting: 'auto', totalActiveUsers: 1 }, secret: SECRET, underAttack: () => attacked, store: new MemoryWaitingRoom() });
    for (let i = 0; i < 3; i++) assert.deepEqual(await room.admit('sp_x', undefined), { pass: null });
    attacked = true;
    assert.ok((await room.admit('sp_x', undefined)).pass);
    const waiting = await held(room, 'sp_x');
    assert.equal(waiting?.code, 'WAITING_ROOM');
    room.update({ totalActiveUsers: 5 });
    assert.equal((await held(room, 'sp_x'))?.details['position'], 2, 'a newcomer never overtakes the queue');
    assert.ok((await room.admit('sp_x', waiting!.details['ticket'] as string)).pass, 'more places: the first in line gets in');
    assert.equal(room.settings.totalActiveUsers, 5);
  });

  it('who waited to register does not wait again to ask: that pass is good in every Space', async () => {
    const room = new WaitingRoom({ settings: { ...SETTINGS, totalActiveUsers: 1 }, secret: SECRET, underAttack: () => false, store: new MemoryWaitingRoom() });
    const { pass } = await room.admit(null, undefined);
    assert.ok(pass);
    assert.ok((await room.admit('sp_one', pass)).pass);
    assert.ok((await room.admit('sp_two', pass)).pass);
    assert.equal((await held(room, 'sp_one'))?.code, 'WAITING_ROOM', 'and it still holds the only place');
  });

  it('a held request says when to come back: about 20 s, sooner if the wait is short', async () => {
    const room = new WaitingRoom({ settings: { ...SETTINGS, totalActiveUsers: 1, newUsersPerMinute: 1 }, secret: SECRET, underAttack: () => false, store: new MemoryWaitingRoom() });
    await room.admit(null, undefined);
    const refusal = await held(room, null);
    const retryAfter = refusal!.details['retryAfter'] as number;
    assert.ok(retryAfter >= 20 && retryAfter <= 22, String(retryAfter));
    assert.equal(refusal!.details['estimatedWaitSeconds'], 60);
  });
});
