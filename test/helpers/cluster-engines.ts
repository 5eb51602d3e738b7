import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { withUser } from '../../src/store/postgres/database.js';
import { createPostgresStore } from '../../src/store/postgres/index.js';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import type { Store } from '../../src/store/store.js';

/** The engines cluster mode runs on; CI starts them (.ci/run), and so does a developer's machine here. */
export const POSTGRES_URL = process.env.TRIBUNE_TEST_DATABASE_URL ?? 'postgres://127.0.0.1:5432/test';
export const REDIS_URL = process.env.TRIBUNE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A name no other run uses: runs on the same engines never see each other's rows or keys. */
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
      const schema = uniqueName('store');
      schemas.push(schema);
      const store = await createPostgresStore({ url: POSTGRES_URL, schema });
      stores.push(store);
      return store;
    },
    async cleanup() {
      for (const s of stores) await s.close();
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
