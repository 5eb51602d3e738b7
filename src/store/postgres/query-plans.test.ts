import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import pg from 'pg';
import { dropSchemas, POSTGRES_URL, uniqueName } from '../../../test/helpers/cluster-engines.js';
import { withUser } from './database.js';
import { createPostgresStore } from './index.js';

// The moderation queue and the push audience page by keyset on text keys: their indexes must serve the
// ORDER BY and the `>` of the same collation ("C", bytewise, as SQLite compares), or each page sorts.

const schema = uniqueName('plans');
after(() => dropSchemas([schema]));

test('the queue\'s pages, a target\'s open notices and the push audience are read from their indexes, without a sort', async () => {
  const store = await createPostgresStore({ url: POSTGRES_URL, schema });
  await store.close();
  const client = new pg.Client({ connectionString: withUser(POSTGRES_URL) });
  await client.connect();
  try {
    await client.query(`SET search_path = ${schema}`);
    // An empty table is cheapest to scan: take scans (and bitmap scans, which lose the order) off the table so the plan shows whether an index can serve.
    await client.query('SET enable_seqscan = off');
    await client.query('SET enable_bitmapscan = off');
    const plan = async (sql: string, values: unknown[]) => (await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, values)).rows.map((r) => r['QUERY PLAN']).join('\n');
    for (const [sql, values, index] of [
      ['SELECT * FROM moderation_queue WHERE open_notices > 0 ORDER BY rank_key LIMIT 50', [], 'moderation_queue_rank'],
      ['SELECT * FROM moderation_queue WHERE open_notices > 0 AND rank_key > $1 ORDER BY rank_key LIMIT 50', ['1|2026'], 'moderation_queue_rank'],
      [`SELECT * FROM notices WHERE target_type = $1 AND target_id = $2 AND state = 'open' ORDER BY trusted DESC, received_at ASC LIMIT 5`, ['space', 'x'], 'notices_target'],
      ['SELECT * FROM push_subscriptions WHERE endpoint > $1 ORDER BY endpoint LIMIT 200', ['https://push.example/a'], 'push_subscriptions_pkey'],
    ] as const) {
      const text = await plan(sql, [...values]);
      assert.match(text, new RegExp(`Index.* using ${index}`), text);
      if (index !== 'notices_target') assert.doesNotMatch(text, /Sort/, text);
    }
  } finally {
    await client.end();
  }
});
