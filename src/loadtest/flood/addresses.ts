/**
 * Source addresses for simulated clients. Every address of 127.0.0.0/8 is local on Linux, so binding
 * a socket's localAddress to 127.x.y.z makes one machine look like thousands of clients to an edge or
 * an origin, without sending a packet anywhere but loopback. Never any other address.
 *
 * The flood and the honest audience use disjoint ranges (an attacker's addresses are not the
 * listeners'): the flood 127.64.0.0/10 spread over many /24s, honest clients 127.10.0.0/16.
 */
export const FLOOD_RANGE_FIRST_OCTET = 64;
export const HONEST_RANGE_SECOND_OCTET = 10;
/** Hosts per /24 in the flood pool: a per-/24 cap sees several addresses of one network. */
const HOSTS_PER_NETWORK = 64;

/** The i-th flood address: 64 hosts per /24, networks 127.64.0.0/24, 127.64.1.0/24, … */
export function floodAddress(i: number): string {
  const network = Math.floor(i / HOSTS_PER_NETWORK);
  const host = (i % HOSTS_PER_NETWORK) + 2;
  return `127.${FLOOD_RANGE_FIRST_OCTET + ((network >> 8) & 63)}.${network & 255}.${host}`;
}

/** The i-th honest client's address (listeners, askers, voters): 127.10.0.2 onwards. */
export function honestAddress(i: number): string {
  const n = i + 2;
  return `127.${HONEST_RANGE_SECOND_OCTET}.${(n >> 8) & 255}.${n & 255}`;
}

export function isLoopbackV4(address: string): boolean {
  const parts = address.split('.');
  return parts.length === 4 && parts[0] === '127' && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}
