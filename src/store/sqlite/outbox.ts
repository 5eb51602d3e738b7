import { randomUUID } from 'node:crypto';
import type { SpaceEvent } from '../../bus/events.js';
import type { OutboxEvent, OutboxRepository, PendingEvent } from '../outbox.js';
import type { Db } from './database.js';

interface OutboxRow { id: number; event_id: string; space_id: string; event: string; origin: string; created_at: number }

/** The repositories' side of the outbox: append inside their transaction, say so after the commit. */
export interface OutboxWriter {
  append(events: readonly OutboxEvent[] | undefined): void;
  committed(events: readonly OutboxEvent[] | undefined): void;
}

export function sqliteOutbox(db: Db, origin: string): OutboxRepository & OutboxWriter {
  const q = {
    insert: db.prepare('INSERT INTO outbox (event_id, space_id, event, origin, created_at) VALUES (?, ?, ?, ?, ?)'),
    oldest: db.prepare<[number], OutboxRow>('SELECT * FROM outbox ORDER BY id LIMIT ?'),
    remove: db.prepare('DELETE FROM outbox WHERE id = ?'),
    depth: db.prepare<[], { origin: string; pending: number; oldest_at: number }>(
      'SELECT origin, COUNT(*) AS pending, MIN(created_at) AS oldest_at FROM outbox GROUP BY origin'),
  };
  const removeAll = db.transaction((ids: readonly number[]) => { for (const id of ids) q.remove.run(id); });
  const listeners: Array<() => void> = [];
  // One process owns the file; this flag keeps two drains of this process from interleaving.
  let relaying = false;
  return {
    append(events) {
      for (const e of events ?? []) q.insert.run(randomUUID(), e.spaceId, JSON.stringify(e.event), origin, Date.now());
    },
    committed(events) {
      if (events?.length) for (const listener of listeners) listener();
    },
    async relay(limit, publish) {
      if (relaying) return 'busy';
      relaying = true;
      // Deleted together at the end of the round: one commit (one fsync) per round, not per event.
      const published: number[] = [];
      try {
        for (const row of q.oldest.all(limit)) {
          await publish(toPending(row));
          published.push(row.id);
        }
        return published.length;
      } finally {
        relaying = false;
        if (published.length) removeAll(published);
      }
    },
    async depth() {
      return q.depth.all().map((r) => ({ origin: r.origin, pending: r.pending, oldestAt: r.oldest_at }));
    },
    onAppend(listener) { listeners.push(listener); },
  };
}

const toPending = (r: OutboxRow): PendingEvent => ({
  eventId: r.event_id, spaceId: r.space_id, event: JSON.parse(r.event) as SpaceEvent, origin: r.origin, createdAt: Number(r.created_at),
});
