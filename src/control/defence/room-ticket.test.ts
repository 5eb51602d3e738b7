import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RoomTickets, type RoomTicket } from './room-ticket.js';

const NOW = 1_800_000_000_000;
const ticket: RoomTicket = { kind: 'ticket', arrival: 42, arrivedAt: NOW - 5_000, expiresAt: NOW + 120_000, scope: 'sp_abcDEF123-_x' };

describe('waiting-room tickets', () => {
  const tickets = new RoomTickets('a-secret-of-sixteen+');

  it('carry the arrival number, arrival time, kind, expiry and Space, signed', () => {
    const text = tickets.issue(ticket);
    assert.deepEqual(tickets.verify(text, ticket.scope, NOW), { ok: true, ticket });
    assert.deepEqual(tickets.verify(tickets.issue({ ...ticket, kind: 'pass' }), ticket.scope, NOW), { ok: true, ticket: { ...ticket, kind: 'pass' } });
  });

  it('refuse a tampered ticket: another arrival number, kind or Space written in, a foreign key, stray characters', () => {
    const text = tickets.issue(ticket);
    const [body, scope, mac] = text.split('.') as [string, string, string];
    const raw = Buffer.from(body, 'base64url');
    raw.writeUIntBE(1, 1, 6);
    assert.deepEqual(tickets.verify(`${raw.toString('base64url')}.${scope}.${mac}`, scope, NOW), { ok: false, reason: 'invalid' });
    const pass = Buffer.from(body, 'base64url');
    pass.writeUInt8(1, 0);
    assert.deepEqual(tickets.verify(`${pass.toString('base64url')}.${scope}.${mac}`, scope, NOW), { ok: false, reason: 'invalid' });
    assert.deepEqual(tickets.verify(`${body}.sp_other.${mac}`, 'sp_other', NOW), { ok: false, reason: 'invalid' });
    assert.deepEqual(new RoomTickets('another-secret-16chars').verify(text, scope, NOW), { ok: false, reason: 'invalid' });
    for (const bad of [`${text}=`, `${text}.x`, `${body}.${scope}`, '', 'x'.repeat(500), `${body}!.${scope}.${mac}`]) {
      assert.equal(tickets.verify(bad, scope, NOW).ok, false, bad);
    }
  });

  it('refuse a ticket replayed into another Space, but registering (no Space) takes any', () => {
    const text = tickets.issue(ticket);
    assert.deepEqual(tickets.verify(text, 'sp_other', NOW), { ok: false, reason: 'other-space' });
    assert.equal(tickets.verify(text, null, NOW).ok, true);
    const outside = tickets.issue({ ...ticket, scope: '' });
    assert.deepEqual(tickets.verify(outside, 'sp_any', NOW), { ok: true, ticket: { ...ticket, scope: '' } }, 'issued outside any Space: good in every Space');
  });

  it('refuse an expired ticket (at its expiry, not a millisecond before)', () => {
    const text = tickets.issue(ticket);
    assert.equal(tickets.verify(text, ticket.scope, ticket.expiresAt - 1).ok, true);
    assert.deepEqual(tickets.verify(text, ticket.scope, ticket.expiresAt), { ok: false, reason: 'expired' });
  });
});
