/** A challenge the server sent with 428 POW_REQUIRED (under-attack mode). */
export interface PowChallenge { challenge: string; difficulty: number; header: string }

/** Solves it in a Web Worker (about a second on a phone at the base difficulty); resolves the header value. */
export function solve(c: PowChallenge): Promise<string> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./pow-worker.ts', import.meta.url), { type: 'module' });
    const timer = setTimeout(() => { worker.terminate(); reject(new Error('proof of work took too long')); }, 60_000);
    worker.onmessage = (e: MessageEvent<number>) => { clearTimeout(timer); worker.terminate(); resolve(`${c.challenge}:${e.data}`); };
    worker.onerror = (e) => { clearTimeout(timer); worker.terminate(); reject(new Error(e.message)); };
    worker.postMessage({ challenge: c.challenge, difficulty: c.difficulty });
  });
}
