import net from 'node:net';
import { floodAddress } from './addresses.js';

export interface SlowSocketReport {
  readonly kind: 'slowloris' | 'endless-body';
  readonly opened: number;
  readonly failedToConnect: number;
  /** Sockets the server cut (closed or answered) before the flood ended. */
  readonly cut: number;
  /** Seconds from connect to the cut: p50 and max over the cut sockets. */
  readonly cutAfterSP50: number | null;
  readonly cutAfterSMax: number | null;
  /** Still open when the flood ended (then closed by us). */
  readonly heldToTheEnd: number;
  readonly statuses: Record<string, number>;
}

const TRICKLE_MS = 1000;

interface SlowEntry { socket: net.Socket; timer?: NodeJS.Timeout; openedAt: number; cutAtMs?: number; status?: string; connected: boolean; failed: boolean }

/**
 * Slow clients, each bounded by the flood's end: slowloris sends a request's headers one short line
 * a second and never finishes them; an endless body announces chunked transfer and sends one byte a
 * second. What counts is how soon the server (edge or origin) cuts them.
 */
export class SlowSockets {
  readonly #sockets: SlowEntry[] = [];
  readonly #kind: 'slowloris' | 'endless-body';

  constructor(kind: 'slowloris' | 'endless-body', count: number, target: { host: string; port: number; hostHeader: string; spaceId: string }, firstAddress: number) {
    this.#kind = kind;
    for (let i = 0; i < count; i++) {
      const openedAt = Date.now();
      const socket = net.connect({ host: target.host, port: target.port, localAddress: floodAddress(firstAddress + i) });
      const entry: SlowEntry = { socket, openedAt, connected: false, failed: false };
      this.#sockets.push(entry);
      socket.setNoDelay(true);
      socket.on('connect', () => {
        entry.connected = true;
        entry.openedAt = Date.now();
        if (kind === 'slowloris') socket.write(`GET /api/v1/spaces/${target.spaceId}/state HTTP/1.1\r\nHost: ${target.hostHeader}\r\n`);
        else socket.write(`POST /api/v1/spaces/${target.spaceId}/reactions HTTP/1.1\r\nHost: ${target.hostHeader}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n{\r\n`);
        let n = 0;
        entry.timer = setInterval(() => {
          n += 1;
          if (!socket.writable) return;
          if (kind === 'slowloris') socket.write(`X-Slow-${n}: ${n}\r\n`);
          else socket.write('1\r\n \r\n');
        }, TRICKLE_MS);
      });
      socket.on('data', (d: Buffer) => {
        entry.status ??= /^HTTP\/1\.[01] (\d{3})/.exec(d.toString('latin1', 0, 16))?.[1] ?? 'other';
      });
      socket.on('error', () => { if (!entry.connected) entry.failed = true; });
      socket.on('close', () => {
        if (entry.timer) clearInterval(entry.timer);
        entry.cutAtMs ??= Date.now() - entry.openedAt;
      });
    }
  }

  /** Stops trickling and closes what is still open; returns what happened to every socket. */
  stop(): SlowSocketReport {
    const cutTimes: number[] = [];
    let held = 0;
    let failed = 0;
    const statuses: Record<string, number> = {};
    for (const e of this.#sockets) {
      if (e.timer) clearInterval(e.timer);
      if (e.failed) { failed += 1; continue; }
      if (e.cutAtMs !== undefined) cutTimes.push(e.cutAtMs / 1000);
      else held += 1;
      if (e.status) statuses[e.status] = (statuses[e.status] ?? 0) + 1;
      e.socket.destroy();
    }
    cutTimes.sort((a, b) => a - b);
    const p50 = cutTimes.length ? cutTimes[Math.ceil(cutTimes.length / 2) - 1]! : null;
    return {
      kind: this.#kind, opened: this.#sockets.length - failed, failedToConnect: failed, cut: cutTimes.length,
      cutAfterSP50: p50 === null ? null : Math.round(p50 * 10) / 10,
      cutAfterSMax: cutTimes.length ? Math.round(cutTimes.at(-1)! * 10) / 10 : null,
      heldToTheEnd: held, statuses,
    };
  }
}
