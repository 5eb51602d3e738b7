import { randomBytes, timingSafeEqual } from 'node:crypto';
import { hmac } from './crypto.js';

/**
 * A listener token is 16 random bytes of id, 4 bytes of issue time and 12 bytes of HMAC. The id feeds
 * the listener-count sketch: since only the server can mint ids, and minting is rate-limited per
 * client, one client cannot inflate the count by inventing ids.
 */
const ID_BYTES = 16;
const MAC_BYTES = 12;
const TOKEN_BYTES = ID_BYTES + 4 + MAC_BYTES;
export const LISTENER_TOKEN_TTL_SECONDS = 24 * 3600;

export class ListenerTokens {
  readonly #secret: string;

  constructor(secret: string) {
    this.#secret = `listener:${secret}`;
  }

  issue(nowMs = Date.now()): string {
    const body = Buffer.alloc(ID_BYTES + 4);
    randomBytes(ID_BYTES).copy(body);
    body.writeUInt32BE(Math.floor(nowMs / 1000), ID_BYTES);
    return Buffer.concat([body, hmac(this.#secret, body).subarray(0, MAC_BYTES)]).toString('base64url');
  }

  /** The listener id, or null if the token is forged, malformed or expired. */
  verify(token: string, nowMs = Date.now()): Uint8Array | null {
    if (token.length > 64) return null;
    const raw = Buffer.from(token, 'base64url');
    if (raw.length !== TOKEN_BYTES) return null;
    const body = raw.subarray(0, ID_BYTES + 4);
    const mac = raw.subarray(ID_BYTES + 4);
    if (!timingSafeEqual(mac, hmac(this.#secret, body).subarray(0, MAC_BYTES))) return null;
    const issuedAt = body.readUInt32BE(ID_BYTES);
    const age = nowMs / 1000 - issuedAt;
    if (age < -60 || age > LISTENER_TOKEN_TTL_SECONDS) return null;
    return body.subarray(0, ID_BYTES);
  }
}
