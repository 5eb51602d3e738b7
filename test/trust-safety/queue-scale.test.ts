import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openDatabase } from '../../src/store/sqlite/database.js';
import { sqliteOutbox } from '../../src/store/sqlite/outbox.js';
import { sqliteTrustSafety } from '../../src/store/sqlite/trust-safety.js';
import type { Notice } from '../../src/trust-safety/types.js';
import { register, registerAdmin, startTestServer, type TestServer } from '../helpers/control-server.js';
import { seededRandom } from '../helpers/seeded-random.js';

/** A queue of 100 000 notices: every query the queue makes walks an index, and paging reaches the end. */

let server: TestServer;
let mod: { token: string };
const TOTAL = 100_000;
const TARGETS = 20_000;

before(async () => {
  server = await startTestServer();
  mod = await registerAdmin(server, 'admin_queue');
  // Seeded through the repository itself (its enqueue path), in one transaction: 100k fsyncs would only measure the disk.
  const db = openDatabase(`${server.dataDir}/tribune.db`);
  db.pragma('synchronous = OFF');
  const repo = sqliteTrustSafety(db, sqliteOutbox(db, 'local'));
  const rand = seededRandom(12);
  const start = Date.parse('2026-11-01T00:00:00Z');
  db.transaction(() => {
    for (let i = 0; i < TOTAL; i++) {
      const target = Math.floor(rand.next() * TARGETS);
      const n: Notice = {
        id: `n_${String(i).padStart(12, '0')}`, targetType: target % 3 === 0 ? 'question' : 'space', targetId: `x_${String(target).padStart(12, '0')}`,
        spaceId: null, atMs: 1000, category: 'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH', explanation: 'Reported in bulk for the scale test.',
        notifierName: 'N', notifierEmail: 'n@example.org', notifierUserId: null, trusted: rand.next() < 0.01,
        receivedAt: new Date(start + i * 1000).toISOString(), state: 'open', decisionId: null, closedAt: null,
      };
      void repo.createNotice(n, { at: n.receivedAt, actorId: 'anonymous', action: 'notice.received', targetType: n.targetType, targetId: n.targetId, reason: n.category, data: { noticeId: n.id } });
    }
  })();
  db.close();
});
after(() => server.close());

test('the queue\'s queries use their indexes (no scan, no sort of the table)', () => {
  const db = openDatabase(`${server.dataDir}/tribune.db`);
  try {
    const plan = (sql: string, ...args: unknown[]) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as Array<{ detail: string }>).map((r) => r.detail).join(' | ');
    const first = plan('SELECT * FROM moderation_queue WHERE open_notices > 0 ORDER BY rank_key LIMIT 50');
    assert.match(first, /USING INDEX moderation_queue_rank/, first);
    assert.doesNotMatch(first, /TEMP B-TREE/, first);
    const next = plan('SELECT * FROM moderation_queue WHERE open_notices > 0 AND rank_key > ? ORDER BY rank_key LIMIT 50', '1|');
    assert.match(next, /SEARCH moderation_queue USING INDEX moderation_queue_rank \(rank_key>\?\)/, next);
    const sample = plan(`SELECT * FROM notices WHERE target_type = ? AND target_id = ? AND state = 'open' ORDER BY trusted DESC, received_at ASC LIMIT 5`, 'space', 'x');
    assert.match(sample, /USING INDEX notices_target/, sample);
  } finally { db.close(); }
});

test('paging walks every target once, trusted flaggers\' first, each page from the index', async () => {
  let cursor: string | null = null;
  const seen = new Set<string>();
  let notices = 0;
  let sawUntrusted = false;
  let pages = 0;
  do {
    const res = await server.request('GET', `/api/v1/moderation/queue?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token: mod.token });
    assert.equal(res.status, 200);
    for (const item of res.body.items) {
      const key = `${item.targetType}:${item.targetId}`;
      assert.ok(!seen.has(key), `${key} twice`);
      seen.add(key);
      notices += item.openNotices;
      if (item.trustedNotices === 0) sawUntrusted = true;
      else assert.ok(!sawUntrusted, 'a trusted flagger\'s target after an ordinary one');
    }
    cursor = res.body.next;
    pages++;
  } while (cursor);
  assert.equal(notices, TOTAL, 'every notice is counted in its target\'s line');
  assert.ok(seen.size > TARGETS * 0.95, `${seen.size} targets`);
  assert.equal(pages, Math.ceil(seen.size / 200) + (seen.size % 200 === 0 ? 1 : 0));
});
