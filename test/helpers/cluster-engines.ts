import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { Bus } from '../../src/bus/bus.js';
import { MemoryBus } from '../../src/bus/memory/memory-bus.js';
import { RedisBus } from '../../src/bus/redis/redis-bus.js';
import type { AudienceCounters } from '../../src/counters/counters.js';
import { MemoryCounters } from '../../src/counters/memory-counters.js';
import { RedisCounters } from '../../src/counters/redis-counters.js';
import { withUser } from '../../src/store/postgres/database.js';
import { createPostgresStore } from '../../src/store/postgres/index.js';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import type { Store } from '../../src/store/store.js';

/** The engines cluster mode runs on; CI starts them (.ci/run), and so does a developer's machine here. */
export const POSTGRES_URL = process.env.TRIBUNE_TEST_DATABASE_URL ?? 'postgres://127.0.0.1:5432/test';
export const REDIS_URL = process.env.TRIBUNE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A name no other run uses: runs on the same engines never see each other's rows or keys. */
/**
 * Redis clients for one test file under a key prefix of its own; when the file is done, its keys are
 * deleted and its clients disconnected.
 */
export function testRedis(): { readonly prefix: string; redis(url?: string): Redis } {
  const prefix = `tribune-test:${randomBytes(6).toString('hex')}:`;
  const clients: Redis[] = [];
  after(async () => {
    try {
      const keys = clients[0] ? await clients[0].keys(`${prefix}*`) : [];
      if (keys.length) await clients[0]!.del(...keys);
    } finally {
      for (const c of clients) c.disconnect();
    }
  });
  return {
    prefix,
    redis(url = REDIS_URL) {
      const client = new Redis(url, { maxRetriesPerRequest: 1 });
      clients.push(client);
      return client;
    },
  };
}

export const uniqueName = (kind: string): string => `t_${kind}_${process.pid}_${randomBytes(4).toString('hex')}`;

export interface StoreFixture {
  readonly name: string;
  /** A fresh, empty store. */
  open(): Promise<Store>;
  /** Closes what `open` gave and removes its data (the schema, the directory). */
  cleanup(): Promise<void>;
}

export function sqliteFixture(): StoreFixture {
  const dirs: string[] = [];
  const stores: Store[] = [];
  return {
    name: 'sqlite',
    async open() {
      const dir = mkdtempSync(join(tmpdir(), 'tribune-store-'));
      dirs.push(dir);
      const store = createSqliteStore(dir);
      stores.push(store);
      return store;
    },
    async cleanup() {
      for (const s of stores) await s.close();
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    },
  };
}

export function postgresFixture(): StoreFixture {
  const schemas: string[] = [];
  const stores: Store[] = [];
  return {
    name: 'postgres',
    async open() {
      // One store per test, and a test's store is done when the next test opens its own: closed here,
      // so a suite holds one pool at a time (PostgreSQL's 100 connections are shared by the suites
      // running side by side).
      for (const s of stores.splice(0)) await s.close();
      const schema = uniqueName('store');
      schemas.push(schema);
      const store = await createPostgresStore({ url: POSTGRES_URL, schema, maxConnections: 6 });
      stores.push(store);
      return store;
    },
    async cleanup() {
      for (const s of stores.splice(0)) await s.close();
      await dropSchemas(schemas);
    },
  };
}

export async function dropSchemas(schemas: readonly string[]): Promise<void> {
  if (!schemas.length) return;
  const client = new pg.Client({ connectionString: withUser(POSTGRES_URL) });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

/** Polls `check` until it holds or the time is up; returns its last answer (assert on it). */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 5_000, stepMs = 10): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
  return check();
}

export interface BusFixture {
  readonly name: string;
  /**
   * Two buses of one deployment, as two origins see it: the embedded default has one process, so both
   * are the same MemoryBus; with Redis, two buses (two origins) on one key prefix.
   */
  pair(options?: { retain?: number }): Promise<[Bus, Bus]>;
  cleanup(): Promise<void>;
}

export function memoryBusFixture(): BusFixture {
  const buses: Bus[] = [];
  return {
    name: 'memory',
    async pair(options = {}) {
      const bus = new MemoryBus({ origin: 'solo', ...(options.retain ? { retain: options.retain } : {}) });
      buses.push(bus);
      return [bus, bus];
    },
    async cleanup() { for (const b of buses) await b.close(); },
  };
}

export function redisBusFixture(): BusFixture {
  const buses: Bus[] = [];
  const prefixes: string[] = [];
  return {
    name: 'redis',
    async pair(options = {}) {
      const prefix = uniqueName('bus');
      prefixes.push(prefix);
      const make = (origin: string) => new RedisBus({ url: REDIS_URL, prefix, origin, ...(options.retain ? { maxLen: options.retain } : {}) });
      const pair: [Bus, Bus] = [make('o1'), make('o2')];
      buses.push(...pair);
      return pair;
    },
    async cleanup() {
      for (const b of buses) await b.close();
      await deleteKeys(prefixes);
    },
  };
}

/** Removes every key a run created under its prefixes. */
export async function deleteKeys(prefixes: readonly string[]): Promise<void> {
  if (!prefixes.length) return;
  const redis = new Redis(REDIS_URL);
  try {
    for (const prefix of prefixes) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length) await redis.del(...keys);
      } while (cursor !== '0');
    }
  } finally {
    redis.disconnect();
  }
}

export interface CountersFixture {
  readonly name: string;
  /** Two origins' counters of one deployment (the embedded default: the same object twice). */
  pair(): Promise<[AudienceCounters, AudienceCounters]>;
  cleanup(): Promise<void>;
}

export function memoryCountersFixture(): CountersFixture {
  const all: AudienceCounters[] = [];
  return {
    name: 'memory',
    async pair() { const c = new MemoryCounters(); all.push(c); return [c, c]; },
    async cleanup() { for (const c of all) await c.close(); },
  };
}

export function redisCountersFixture(): CountersFixture {
  const all: AudienceCounters[] = [];
  const prefixes: string[] = [];
  return {
    name: 'redis',
    async pair() {
      const prefix = uniqueName('counters');
      prefixes.push(prefix);
      const pair: [AudienceCounters, AudienceCounters] = [new RedisCounters({ url: REDIS_URL, prefix }), new RedisCounters({ url: REDIS_URL, prefix })];
      all.push(...pair);
      return pair;
    },
    async cleanup() {
      for (const c of all) await c.close();
      await deleteKeys(prefixes);
    },
  };
}
