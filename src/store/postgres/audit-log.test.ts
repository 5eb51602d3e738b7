import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import pg from 'pg';
import { dropSchemas, POSTGRES_URL, uniqueName } from '../../../test/helpers/cluster-engines.js';
import { withUser } from './database.js';
import { createPostgresStore } from './index.js';

// The audit log in PostgreSQL is append-only for everyone who connects, not only for Tribune's code.

const schema = uniqueName('audit');
after(() => dropSchemas([schema]));

test('PostgreSQL refuses UPDATE, DELETE and TRUNCATE on the audit log; its head moves with each append', async () => {
  const store = await createPostgresStore({ url: POSTGRES_URL, schema });
  const client = new pg.Client({ connectionString: withUser(POSTGRES_URL) });
  await client.connect();
  try {
    for (let i = 0; i < 3; i++) await store.trustSafety.appendAudit({ at: `2026-11-30T00:00:0${i}.000Z`, actorId: 'u_admin', action: 'export', targetType: 'system', targetId: 'x', reason: 'r', data: { i } });
    await client.query(`SET search_path = ${schema}`);
    await assert.rejects(client.query(`UPDATE audit_log SET reason = 'nothing happened' WHERE seq = 2`), /append-only/);
    await assert.rejects(client.query('DELETE FROM audit_log WHERE seq = 2'), /append-only/);
    await assert.rejects(client.query('TRUNCATE audit_log'), /append-only/);
    const { rows } = await client.query<{ head: string; last: string }>('SELECT (SELECT hash FROM audit_head) AS head, (SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1) AS last');
    assert.equal(rows[0]!.head, rows[0]!.last);
    assert.equal((await store.trustSafety.auditEntries(0, 10)).length, 3);
  } finally {
    await client.end();
    await store.close();
  }
});
