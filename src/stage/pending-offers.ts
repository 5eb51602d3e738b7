import { TribuneError } from '../errors/catalogue.js';

/**
 * WHEP offers that have not connected yet, counted per client address and per network (/24 for IPv4,
 * /56 for IPv6): one address or one rented block cannot hold many media sessions that never complete
 * ICE, whatever the number of sessions it is allowed once connected.
 */
export class PendingOffers {
  readonly #perAddress: number;
  readonly #perNetwork: number;
  readonly #byAddress = new Map<string, number>();
  readonly #byNetwork = new Map<string, number>();

  constructor(limits: { perAddress: number; perNetwork: number }) {
    this.#perAddress = limits.perAddress;
    this.#perNetwork = limits.perNetwork;
  }

  get size(): number {
    let n = 0;
    for (const v of this.#byAddress.values()) n += v;
    return n;
  }

  /** Counts one pending offer from `ip`, or refuses it; the returned release is idempotent. */
  take(ip: string): () => void {
    const network = networkOf(ip);
    if ((this.#byAddress.get(ip) ?? 0) >= this.#perAddress || (this.#byNetwork.get(network) ?? 0) >= this.#perNetwork) {
      throw new TribuneError('RATE_LIMITED', { retryAfter: 5 }, { details: { retryAfter: 5, reason: 'pending media offers' } });
    }
    bump(this.#byAddress, ip, 1);
    bump(this.#byNetwork, network, 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      bump(this.#byAddress, ip, -1);
      bump(this.#byNetwork, network, -1);
    };
  }
}

function bump(map: Map<string, number>, key: string, by: number): void {
  const next = (map.get(key) ?? 0) + by;
  if (next <= 0) map.delete(key);
  else map.set(key, next);
}

/** The /24 of an IPv4 address (IPv4-mapped IPv6 included), the /56 of an IPv6 address. */
export function networkOf(ip: string): string {
  const v4 = /^(?:::ffff:)?(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.\d{1,3}$/i.exec(ip);
  if (v4) return `${v4[1]}.${v4[2]}.${v4[3]}.0/24`;
  const [head = '', tail = ''] = ip.toLowerCase().split('%')[0]!.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left;
  const hex = groups.slice(0, 4).map((g) => g.padStart(4, '0')).join('');
  return `${hex.slice(0, 14)}::/56`;
}
