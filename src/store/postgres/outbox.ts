import { randomUUID } from 'node:crypto';
import type { SpaceEvent } from '../../bus/events.js';
import type { OutboxEvent, OutboxRepository, PendingEvent } from '../outbox.js';
import { inTransaction, type Pool, type Queryable } from './database.js';

interface OutboxRow { id: number; event_id: string; space_id: string; event: string; origin: string; created_at: number }

/** The repositories' side of the outbox: append inside their transaction, say so after the commit. */
export interface OutboxWriter {
  append(client: Queryable, events: readonly OutboxEvent[] | undefined): Promise<void>;
  committed(events: readonly OutboxEvent[] | undefined): void;
}

/**
 * Every origin's relay calls `relay`; a transaction-level advisory lock (per schema, so deployments
 * and test runs sharing a database do not wait on each other) lets one of them through at a time.
 * One relay at a time is what keeps a Space's events in commit order: two relays claiming disjoint
 * rows (SKIP LOCKED) could publish a Space's later event before its earlier one. A relay that dies
 * holding the lock loses it with its connection, and its transaction rolls back: the rows it
 * published but had not deleted are published again by the next, and the bus drops them by event id.
 */
export function postgresOutbox(pool: Pool, origin: string): OutboxRepository & OutboxWriter {
  const listeners: Array<() => void> = [];
  return {
    async append(client, events) {
      if (!events?.length) return;
      const now = Date.now();
      await client.query(`INSERT INTO outbox (event_id, space_id, event, origin, created_at)
        SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[])`, [
        events.map(() => randomUUID()), events.map((e) => e.spaceId), events.map((e) => JSON.stringify(e.event)),
        events.map(() => origin), events.map(() => now),
      ]);
    },
    committed(events) {
      if (events?.length) for (const listener of listeners) listener();
    },
    async relay(limit, publish) {
      const outcome = await inTransaction(pool, async (client) => {
        const { rows: [lock] } = await client.query<{ held: boolean }>(
          `SELECT pg_try_advisory_xact_lock(hashtext('tribune.outbox.' || current_schema())) AS held`);
        if (!lock?.held) return 'busy' as const;
        const { rows } = await client.query<OutboxRow>('SELECT * FROM outbox ORDER BY id LIMIT $1', [limit]);
        const published: number[] = [];
        let failure: unknown = null;
        for (const row of rows) {
          try {
            await publish(toPending(row));
          } catch (err) {
            failure = err;
            break;
          }
          published.push(row.id);
        }
        if (published.length) await client.query('DELETE FROM outbox WHERE id = ANY($1::bigint[])', [published]);
        return { done: published.length, failure };
      });
      if (outcome === 'busy') return outcome;
      if (outcome.failure !== null) throw outcome.failure;
      return outcome.done;
    },
    async depth() {
      const { rows } = await pool.query<{ origin: string; pending: number; oldest_at: number }>(
        'SELECT origin, COUNT(*) AS pending, MIN(created_at) AS oldest_at FROM outbox GROUP BY origin');
      return rows.map((r) => ({ origin: r.origin, pending: r.pending, oldestAt: r.oldest_at }));
    },
    onAppend(listener) { listeners.push(listener); },
  };
}

const toPending = (r: OutboxRow): PendingEvent => ({
  eventId: r.event_id, spaceId: r.space_id, event: JSON.parse(r.event) as SpaceEvent, origin: r.origin, createdAt: Number(r.created_at),
});

/**
 * Runs a write and appends the events it returns in one transaction. Without events to carry
 * (`carrying` false), the write runs on the pool as before, with no transaction around it.
 */
export async function withOutbox<T>(pool: Pool, outbox: OutboxWriter, carrying: boolean,
  work: (db: Queryable) => Promise<readonly [T, readonly OutboxEvent[] | undefined]>): Promise<T> {
  if (!carrying) return (await work(pool))[0];
  const [result, events] = await inTransaction(pool, async (client) => {
    const out = await work(client);
    await outbox.append(client, out[1]);
    return out;
  });
  outbox.committed(events);
  return result;
}
