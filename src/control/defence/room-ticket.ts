import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * What the waiting room hands a client: a *ticket* while it waits (its place in the queue) and a
 * *pass* once admitted. Both carry the arrival number (the queue position: monotonically
 * increasing), the arrival time, the expiry and what they are for (a Space, or '' for routes outside
 * any Space), signed with the deployment's secret so any origin of a cluster can read them.
 */
export type RoomTicketKind = 'ticket' | 'pass';

export interface RoomTicket {
  readonly kind: RoomTicketKind;
  readonly arrival: number;
  readonly arrivedAt: number;
  readonly expiresAt: number;
  /** The Space it was issued in; '' outside any Space (registering). */
  readonly scope: string;
}

export type TicketCheck =
  | { readonly ok: true; readonly ticket: RoomTicket }
  | { readonly ok: false; readonly reason: 'invalid' | 'expired' | 'other-space' };

/** The header a client sends its ticket or pass in, and receives them in. */
export const TICKET_HEADER = 'x-tribune-ticket';

const BODY_BYTES = 1 + 6 + 6 + 6;
const MAC_BYTES = 16;
const KINDS: readonly RoomTicketKind[] = ['ticket', 'pass'];
/** What a scope may be spelt with (Space ids are base64url), so it travels in the ticket as is. */
export const SCOPE = /^[A-Za-z0-9_-]{0,64}$/;

/** `<body>.<scope>.<mac>`: times in ms since the epoch, the scope in clear, bound by the MAC. */
export class RoomTickets {
  readonly #key: string;

  constructor(secret: string) {
    this.#key = `waiting-room:${secret}`;
  }

  issue(ticket: RoomTicket): string {
    if (!SCOPE.test(ticket.scope)) throw new RangeError('a ticket scope is a Space id');
    const body = Buffer.alloc(BODY_BYTES);
    body.writeUInt8(KINDS.indexOf(ticket.kind), 0);
    body.writeUIntBE(ticket.arrival, 1, 6);
    body.writeUIntBE(ticket.arrivedAt, 7, 6);
    body.writeUIntBE(ticket.expiresAt, 13, 6);
    return `${body.toString('base64url')}.${ticket.scope}.${this.#mac(body, ticket.scope).toString('base64url')}`;
  }

  /**
   * Reads a ticket presented in the Space `scope`; `null`: a route outside any Space, which takes one
   * from any Space (a listener who registers from a Space's page shows the ticket they hold there).
   * A ticket from outside any Space is good in every Space: who waited to register does not wait
   * again to ask.
   */
  verify(text: string, scope: string | null, now: number): TicketCheck {
    if (text.length > 160) return { ok: false, reason: 'invalid' };
    const [bodyText, sealedFor, macText, extra] = text.split('.');
    if (!bodyText || sealedFor === undefined || !macText || extra !== undefined || !SCOPE.test(sealedFor)) return { ok: false, reason: 'invalid' };
    const body = Buffer.from(bodyText, 'base64url');
    const mac = Buffer.from(macText, 'base64url');
    // One spelling per ticket: Node's decoder skips stray characters, so re-encode and compare.
    if (body.length !== BODY_BYTES || mac.length !== MAC_BYTES || body.toString('base64url') !== bodyText || mac.toString('base64url') !== macText) {
      return { ok: false, reason: 'invalid' };
    }
    const kind = KINDS[body.readUInt8(0)];
    if (!kind || !timingSafeEqual(mac, this.#mac(body, sealedFor))) return { ok: false, reason: 'invalid' };
    if (scope !== null && sealedFor !== '' && sealedFor !== scope) return { ok: false, reason: 'other-space' };
    const ticket: RoomTicket = { kind, arrival: body.readUIntBE(1, 6), arrivedAt: body.readUIntBE(7, 6), expiresAt: body.readUIntBE(13, 6), scope: sealedFor };
    if (ticket.expiresAt <= now) return { ok: false, reason: 'expired' };
    return { ok: true, ticket };
  }

  #mac(body: Buffer, scope: string): Buffer {
    return createHmac('sha256', this.#key).update(body).update('.').update(scope).digest().subarray(0, MAC_BYTES);
  }
}
