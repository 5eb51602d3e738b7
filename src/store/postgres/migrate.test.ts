import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import pg from 'pg';
import { dropSchemas, POSTGRES_URL, uniqueName } from '../../../test/helpers/cluster-engines.js';
import { withUser } from './database.js';
import { MIGRATIONS } from './migrations.js';
import { createPostgresStore } from './index.js';

const schemas: string[] = [];
after(() => dropSchemas(schemas));

test('six origins starting at the same moment migrate the schema once, and all of them work', async () => {
  const schema = uniqueName('migrate');
  schemas.push(schema);
  const stores = await Promise.all(Array.from({ length: 6 }, () => createPostgresStore({ url: POSTGRES_URL, schema, maxConnections: 2 })));
  try {
    const client = new pg.Client({ connectionString: withUser(POSTGRES_URL) });
    await client.connect();
    try {
      const { rows } = await client.query<{ version: number }>(`SELECT version FROM ${schema}.schema_migrations ORDER BY version`);
      assert.deepEqual(rows.map((r) => r.version), MIGRATIONS.map((_, i) => i + 1));
    } finally {
      await client.end();
    }
    for (const store of stores) assert.equal(await store.users.count(), 0);
    // A restart finds nothing to do.
    const again = await createPostgresStore({ url: POSTGRES_URL, schema });
    await again.close();
  } finally {
    for (const store of stores) await store.close();
  }
});

test('a database newer than this Tribune is refused, not silently used', async () => {
  const schema = uniqueName('migrate');
  schemas.push(schema);
  const store = await createPostgresStore({ url: POSTGRES_URL, schema });
  await store.close();
  const client = new pg.Client({ connectionString: withUser(POSTGRES_URL) });
  await client.connect();
  try {
    await client.query(`INSERT INTO ${schema}.schema_migrations (version) VALUES ($1)`, [MIGRATIONS.length + 1]);
  } finally {
    await client.end();
  }
  await assert.rejects(createPostgresStore({ url: POSTGRES_URL, schema }), /newer than this Tribune/);
});
