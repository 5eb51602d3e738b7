import { randomBytes, timingSafeEqual } from 'node:crypto';
import { hmac } from './crypto.js';

/**
 * A listener token is 16 random bytes of id, 4 bytes of issue time and 12 bytes of HMAC over them and
 * the Space it was minted for. The id feeds that Space's listener-count sketch: since only the server
 * can mint ids, and minting is rate-limited per client, one client cannot inflate a count by
 * inventing ids, nor reuse a token minted for one Space in all the others.
 */
const ID_BYTES = 16;
const MAC_BYTES = 12;
const TOKEN_BYTES = ID_BYTES + 4 + MAC_BYTES;
/** A listener still here after this asks for a new token (the page does it by itself). */
export const LISTENER_TOKEN_TTL_SECONDS = 4 * 3600;

export class ListenerTokens {
  readonly #secret: string;

  constructor(secret: string) {
    this.#secret = `listener:${secret}`;
  }

  issue(spaceId: string, nowMs = Date.now()): string {
    const body = Buffer.alloc(ID_BYTES + 4);
    randomBytes(ID_BYTES).copy(body);
    body.writeUInt32BE(Math.floor(nowMs / 1000), ID_BYTES);
    return Buffer.concat([body, this.#mac(body, spaceId)]).toString('base64url');
  }

  #mac(body: Buffer, spaceId: string): Buffer {
    return hmac(this.#secret, Buffer.concat([body, Buffer.from(spaceId)])).subarray(0, MAC_BYTES);
  }

  /** The listener id, or null if the token is forged, malformed, expired or minted for another Space. */
  verify(token: string, spaceId: string, nowMs = Date.now()): Uint8Array | null {
    if (token.length > 64) return null;
    const raw = Buffer.from(token, 'base64url');
    // One spelling per token: Node's decoder skips stray characters and padding, so re-encode and compare.
    if (raw.length !== TOKEN_BYTES || raw.toString('base64url') !== token) return null;
    const body = raw.subarray(0, ID_BYTES + 4);
    const mac = raw.subarray(ID_BYTES + 4);
    if (!timingSafeEqual(mac, this.#mac(body, spaceId))) return null;
    const issuedAt = body.readUInt32BE(ID_BYTES);
    const age = nowMs / 1000 - issuedAt;
    if (age < -60 || age > LISTENER_TOKEN_TTL_SECONDS) return null;
    return body.subarray(0, ID_BYTES);
  }
}
