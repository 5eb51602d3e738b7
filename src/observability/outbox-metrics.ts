import { Gauge } from 'prom-client';
import { registry } from './metrics.js';

/** What a scrape reads the outbox from (the store's outbox, given by the composition root). */
interface OutboxDepth {
  depth(): Promise<Array<{ origin: string; pending: number; oldestAt: number }>>;
}

let source: OutboxDepth | null = null;
let reading: { at: number; rows: Promise<Array<{ origin: string; pending: number; oldestAt: number }>> } | null = null;
/** Origins reported at the last scrape: one whose rows are gone is reported at 0, not left at its old figure. */
const reported = new Set<string>();

async function collect(): Promise<void> {
  if (!source) return;
  // One read serves both gauges of a scrape.
  if (!reading || Date.now() - reading.at > 500) reading = { at: Date.now(), rows: source.depth() };
  let rows: Array<{ origin: string; pending: number; oldestAt: number }>;
  try { rows = await reading.rows; } catch { return; }
  const now = Date.now();
  const seen = new Set<string>();
  for (const r of rows) {
    seen.add(r.origin);
    pending.set({ written_by: r.origin }, r.pending);
    oldest.set({ written_by: r.origin }, Math.max(0, (now - r.oldestAt) / 1000));
  }
  for (const origin of reported) {
    if (seen.has(origin)) continue;
    pending.set({ written_by: origin }, 0);
    oldest.set({ written_by: origin }, 0);
  }
  for (const origin of seen) reported.add(origin);
}

const pending = new Gauge({
  name: 'tribune_outbox_pending_events', labelNames: ['written_by'], registers: [registry], collect,
  help: 'Domain events committed but not yet on the bus, by the origin whose write committed them (the outbox is shared in cluster mode).',
});
const oldest = new Gauge({
  name: 'tribune_outbox_oldest_pending_seconds', labelNames: ['written_by'], registers: [registry], collect,
  help: 'Age of the oldest event still in the outbox, by the origin whose write committed it; 0 when none.',
});

/** Scrapes read this outbox from now on. */
export function watchOutbox(outbox: OutboxDepth): void {
  source = outbox;
  reading = null;
}
