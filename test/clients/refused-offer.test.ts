import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { listenWhep, SignallingError } from '../../src/clients/index.js';
import { exitAfterNdcTests } from '../helpers/exit-after-ndc.js';

exitAfterNdcTests();

// A WHEP listener whose offer is refused used to leave its connect timer armed: the timer rejected a
// promise nobody awaited any more, and the unhandled rejection ended the whole load test.
test('a refused WHEP offer fails once, with its code, and leaves no timer to reject later', { timeout: 20_000 }, async (t) => {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
      res.end(JSON.stringify({ error: { code: 'MEDIA_CAPACITY', message: 'This origin is at its media capacity' } }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  const { port } = server.address() as AddressInfo;

  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => { unhandled.push(reason); };
  process.on('unhandledRejection', onUnhandled);
  t.after(() => process.off('unhandledRejection', onUnhandled));

  // Long enough that gathering and the POST fit in it on a loaded machine: the refusal must come first.
  const connectTimeoutMs = 1_500;
  const startedAt = Date.now();
  await assert.rejects(
    listenWhep({ url: `http://127.0.0.1:${port}/api/v1/spaces/x/whep`, connectTimeoutMs }),
    (err: unknown) => err instanceof SignallingError && err.status === 503 && err.code === 'MEDIA_CAPACITY',
  );
  // The condition under test is what happens when the connect timer would have fired: wait for
  // that deadline (plus a margin for a loaded machine), then look.
  const deadline = startedAt + connectTimeoutMs * 3;
  while (Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(unhandled.map(String), []);
});
