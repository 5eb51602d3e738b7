import { createHash } from 'node:crypto';

/** Above this, a proof would take the load generator longer than the run: give up and report it. */
const MAX_DIFFICULTY = 24;
/** Hashes between two yields to the event loop: the other simulated clients keep their clocks. */
const BATCH = 2_048;

function leadingZeroBits(digest: Buffer): number {
  let bits = 0;
  for (const byte of digest) {
    if (byte === 0) { bits += 8; continue; }
    return bits + Math.clz32(byte) - 24;
  }
  return bits;
}

/**
 * What an honest browser does in its Web Worker when the origin is under attack (428 POW_REQUIRED,
 * docs/security.md): find a nonce whose SHA-256(challenge ":" nonce) has `difficulty` leading zero
 * bits. Returns the header value (`challenge:nonce`), or undefined past MAX_DIFFICULTY.
 */
export async function solveProofOfWork(challenge: string, difficulty: number): Promise<string | undefined> {
  if (!Number.isInteger(difficulty) || difficulty < 0 || difficulty > MAX_DIFFICULTY) return undefined;
  for (let nonce = 0; ; nonce++) {
    if (leadingZeroBits(createHash('sha256').update(`${challenge}:${nonce}`).digest()) >= difficulty) return `${challenge}:${nonce}`;
    if (nonce % BATCH === BATCH - 1) await new Promise((resolve) => setImmediate(resolve));
  }
}

/** The challenge in a 428 POW_REQUIRED answer, if that is what it is. */
export function powChallenge(status: number, body: Buffer): { challenge: string; difficulty: number; header: string } | undefined {
  if (status !== 428) return undefined;
  try {
    const details = (JSON.parse(body.toString()) as { error?: { code?: string; details?: Record<string, unknown> } }).error;
    const d = details?.details;
    if (details?.code !== 'POW_REQUIRED' || typeof d?.challenge !== 'string' || typeof d.difficulty !== 'number' || typeof d.header !== 'string') return undefined;
    return { challenge: d.challenge, difficulty: d.difficulty, header: d.header };
  } catch {
    return undefined;
  }
}
