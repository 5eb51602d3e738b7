import { Counter, Gauge } from 'prom-client';
import type { RoomStats } from '../../limits/index.js';
import { registry } from '../../observability/metrics.js';
import { defenceMetrics } from './metrics.js';

/** Where a scrape reads the room from (the composition root's room); one read serves the three gauges. */
let source: (() => Promise<RoomStats>) | null = null;
let isOpen: (() => boolean) | null = null;
let reading: { at: number; stats: Promise<RoomStats> } | null = null;
async function collect(): Promise<void> {
  if (!source) return;
  if (!reading || Date.now() - reading.at > 1000) reading = { at: Date.now(), stats: source() };
  roomMetrics.observe(await reading.stats);
}

const queue = new Gauge({ name: 'tribune_waiting_room_queue', help: 'Users waiting in the waiting room (the whole cluster\'s queue in cluster mode).', registers: [registry], collect });
const active = new Gauge({ name: 'tribune_waiting_room_active_users', help: 'Users admitted through the waiting room whose session is alive.', registers: [registry], collect });
const lastMinute = new Gauge({ name: 'tribune_waiting_room_admitted_last_minute', help: 'Admissions in the last 60 s.', registers: [registry], collect });
const admissions = new Counter({ name: 'tribune_waiting_room_admitted_total', help: 'Users this origin admitted through the waiting room.', registers: [registry] });
const open = new Gauge({ name: 'tribune_waiting_room_open', help: '1 while the waiting room holds interactive requests.', registers: [registry], collect: () => { isOpen?.(); } });

export type RoomRefusal = 'queued' | 'invalid' | 'expired' | 'other-space';

/** The room's figures for operators; refusals go to the defences' one counter, layer "waiting-room". */
export const roomMetrics = {
  /** Each scrape reads the room's figures afresh, so they stay true while nobody knocks. */
  readFrom(stats: () => Promise<RoomStats>, open: () => boolean): void { source = stats; isOpen = open; reading = null; },
  observe(stats: RoomStats): void {
    queue.set(stats.waiting);
    active.set(stats.active);
    lastMinute.set(stats.admittedLastMinute);
  },
  open(isOpen: boolean): void { open.set(isOpen ? 1 : 0); },
  admitted(): void { admissions.inc(); },
  refused(reason: RoomRefusal): void { defenceMetrics.refusals.inc({ layer: 'waiting-room', reason }); },
};
