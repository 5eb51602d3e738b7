import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Redis } from 'ioredis';
import { deleteKeys, REDIS_URL, uniqueName, until } from '../../test/helpers/cluster-engines.js';
import { SpaceLeases } from './leases.js';
import { isAvailable, OriginRegistry, shouldTake, type OriginInfo } from './registry.js';

const prefix = uniqueName('lease');
const redis = new Redis(REDIS_URL);
after(async () => {
  await deleteKeys([prefix]);
  redis.disconnect();
});

test('a lease is taken by one origin, renewed and released only by its holder, and lapses without it', async () => {
  const leases = new SpaceLeases(redis, prefix);
  const taken = await Promise.all(['o1', 'o2', 'o3'].map((o) => leases.acquire('sp_a', o, 10_000)));
  assert.equal(taken.filter(Boolean).length, 1);
  const holder = ['o1', 'o2', 'o3'][taken.indexOf(true)]!;
  const other = holder === 'o1' ? 'o2' : 'o1';
  assert.equal(await leases.renew('sp_a', other, 10_000), false, 'only the holder renews');
  assert.equal(await leases.release('sp_a', other), false, 'only the holder releases');
  assert.deepEqual(await leases.holders(['sp_a', 'sp_none']), new Map([['sp_a', holder], ['sp_none', null]]));
  assert.equal(await leases.renew('sp_a', holder, 10_000), true);
  assert.equal(await leases.release('sp_a', holder), true);
  assert.equal(await leases.acquire('sp_a', other, 10_000), true, 'released: free for another');

  assert.equal(await leases.acquire('sp_b', 'o1', 150), true);
  assert.ok(await until(async () => leases.acquire('sp_b', 'o2', 5_000), 3_000, 20), 'a lease nobody renews lapses');
  assert.equal(await leases.renew('sp_b', 'o1', 5_000), false, 'the old holder cannot take it back by renewing');
  assert.deepEqual(await leases.holders(['sp_b']), new Map([['sp_b', 'o2']]));
});

test('the registry lists what origins report; the least loaded serving origin takes an orphan first', async () => {
  const registry = new OriginRegistry(redis, prefix);
  const now = 1_000_000;
  const origin = (id: string, load: number, extra: Partial<OriginInfo> = {}): OriginInfo => ({ id, internalUrl: `http://${id}:8080`, state: 'serving', load, spaces: 0, heartbeatAt: now, ...extra });
  await registry.report(origin('o2', 0.5));
  await registry.report(origin('o1', 0.2));
  await registry.report(origin('o3', 0.1, { state: 'draining' }));
  await registry.report(origin('o4', 0.0, { heartbeatAt: now - 10_000 }));
  await registry.report(origin('o5', 0.0, { heartbeatAt: now - 120_000 }));
  const listed = await registry.list(now);
  assert.deepEqual(listed.map((o) => o.id), ['o1', 'o2', 'o3', 'o4'], 'one silent for two minutes is forgotten');
  assert.deepEqual(listed.filter((o) => isAvailable(o, now)).map((o) => o.id), ['o1', 'o2'], 'draining or stale: not offered Spaces');
  assert.equal(shouldTake('o1', listed, now, 0, 3_000), true);
  assert.equal(shouldTake('o2', listed, now, 0, 3_000), false);
  assert.equal(shouldTake('o2', listed, now, 3_000, 3_000), true, 'an orphan waits no longer than the patience');
  await registry.remove('o1');
  assert.deepEqual((await registry.list(now)).map((o) => o.id), ['o2', 'o3', 'o4']);
});

test('a lease passes from its holder to a named origin, never from another; the standby lease is a lease of its own', async () => {
  const leases = new SpaceLeases(redis, prefix);
  const standbys = new SpaceLeases(redis, prefix, 'standby');
  assert.equal(await leases.acquire('sp_c', 'o1', 10_000), true);
  assert.equal(await standbys.acquire('sp_c', 'o2', 10_000), true, 'the standby lease does not collide with the primary one');
  assert.equal(await leases.pass('sp_c', 'o3', 'o3', 10_000), false, 'only from the holder');
  assert.deepEqual(await leases.holders(['sp_c']), new Map([['sp_c', 'o1']]));
  assert.equal(await leases.pass('sp_c', 'o1', 'o2', 10_000), true, 'a drain hands it to the standby');
  assert.deepEqual(await leases.holders(['sp_c']), new Map([['sp_c', 'o2']]));
  assert.equal(await leases.renew('sp_c', 'o1', 10_000), false, 'the one that passed it cannot keep it');
  assert.equal(await leases.pass('sp_c', 'o1', 'o3', 10_000), false, 'nor pass it again');
  // Two standbys racing to take a Space from a primary they both think dead: one wins.
  const raced = await Promise.all(['o3', 'o4'].map((o) => leases.pass('sp_c', 'o2', o, 10_000)));
  assert.equal(raced.filter(Boolean).length, 1);
  assert.deepEqual(await standbys.holders(['sp_c']), new Map([['sp_c', 'o2']]));
});
