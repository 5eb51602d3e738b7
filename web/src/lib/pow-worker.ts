// Finds a nonce such that SHA-256("<challenge>:<nonce>") starts with `difficulty` zero bits, off the
// page's thread so the player and the page stay smooth while it works.
function zeroBits(digest: Uint8Array): number {
  let bits = 0;
  for (const byte of digest) {
    if (byte === 0) { bits += 8; continue; }
    return bits + Math.clz32(byte) - 24;
  }
  return bits;
}

addEventListener('message', async (event: MessageEvent<{ challenge: string; difficulty: number }>) => {
  const { challenge, difficulty } = event.data;
  const encoder = new TextEncoder();
  for (let nonce = 0; ; nonce++) {
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(`${challenge}:${nonce}`)));
    if (zeroBits(digest) >= difficulty) {
      (globalThis as unknown as { postMessage(value: unknown): void }).postMessage(nonce);
      return;
    }
  }
});
