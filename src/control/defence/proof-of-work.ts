import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** How a client proves work: `X-Tribune-PoW: <challenge>:<nonce>`. */
export const POW_HEADER = 'x-tribune-pow';

export interface Challenge {
  readonly challenge: string;
  /** Leading zero bits SHA-256(challenge ":" nonce) must have. */
  readonly difficulty: number;
  readonly expiresAt: string;
}

const ID_BYTES = 12;
const MAC_BYTES = 16;
const MAX_REMEMBERED = 500_000;

/** The number of leading zero bits of a digest. */
export function leadingZeroBits(digest: Uint8Array): number {
  let bits = 0;
  for (const byte of digest) {
    if (byte === 0) { bits += 8; continue; }
    return bits + Math.clz32(byte) - 24;
  }
  return bits;
}

/**
 * Stateless challenges (an id, an expiry and a difficulty, signed), spent once: checking a proof costs
 * the server one HMAC and one SHA-256, while finding it costs the client 2^difficulty hashes on
 * average. Spent ids are remembered until they expire, so a proof cannot be replayed.
 */
export class ProofOfWork {
  readonly #key: string;
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #spent = new Map<string, number>();

  constructor(secret: string, options: { ttlMs?: number; now?: () => number } = {}) {
    this.#key = `pow:${secret}`;
    this.#ttlMs = options.ttlMs ?? 120_000;
    this.#now = options.now ?? Date.now;
  }

  issue(difficulty: number): Challenge {
    const expires = Math.ceil((this.#now() + this.#ttlMs) / 1000);
    const body = Buffer.alloc(ID_BYTES + 5);
    randomBytes(ID_BYTES).copy(body);
    body.writeUInt32BE(expires, ID_BYTES);
    body.writeUInt8(difficulty, ID_BYTES + 4);
    const challenge = `${body.toString('base64url')}.${this.#mac(body).toString('base64url')}`;
    return { challenge, difficulty, expiresAt: new Date(expires * 1000).toISOString() };
  }

  /** Whether `proof` (`challenge:nonce`) is a fresh, unspent proof of at least `difficulty`; spends it. */
  verify(proof: string | undefined, difficulty: number): boolean {
    if (!proof || proof.length > 200) return false;
    const colon = proof.lastIndexOf(':');
    if (colon < 0) return false;
    const challenge = proof.slice(0, colon);
    const nonce = proof.slice(colon + 1);
    if (!/^[0-9]{1,16}$/.test(nonce)) return false;
    const [bodyText, macText] = challenge.split('.');
    if (!bodyText || !macText) return false;
    const body = Buffer.from(bodyText, 'base64url');
    const mac = Buffer.from(macText, 'base64url');
    if (body.length !== ID_BYTES + 5 || body.toString('base64url') !== bodyText || mac.length !== MAC_BYTES) return false;
    if (!timingSafeEqual(mac, this.#mac(body))) return false;
    const now = this.#now();
    const expires = body.readUInt32BE(ID_BYTES) * 1000;
    if (expires < now || body.readUInt8(ID_BYTES + 4) < difficulty) return false;
    if (leadingZeroBits(createHash('sha256').update(`${challenge}:${nonce}`).digest()) < body.readUInt8(ID_BYTES + 4)) return false;
    const id = bodyText.slice(0, 16);
    if (this.#spent.has(id)) return false;
    this.#remember(id, expires, now);
    return true;
  }

  #remember(id: string, expires: number, now: number): void {
    if (this.#spent.size >= MAX_REMEMBERED) {
      for (const [key, until] of this.#spent) { if (until < now || this.#spent.size >= MAX_REMEMBERED) this.#spent.delete(key); else break; }
    }
    this.#spent.set(id, expires);
  }

  #mac(body: Buffer): Buffer {
    return createHmac('sha256', this.#key).update(body).digest().subarray(0, MAC_BYTES);
  }
}
