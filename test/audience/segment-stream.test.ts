import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { liveAudience, SEGMENTS_OF_TEN_200_MS_PARTS } from '../helpers/audience-app.js';

/**
 * A segment asked for while it is produced is sent as it is made (docs/edge.md, segment streams):
 * one response per segment instead of one per part, for players and edges that stream.
 */
async function rig(t: { after(fn: () => Promise<void>): void }) {
  const r = await liveAudience(t, { ...SEGMENTS_OF_TEN_200_MS_PARTS, blockingTimeoutMs: 3_000 }, true);
  return { ...r, base: r.base! };
}

interface Follow {
  readonly status: Promise<number>;
  readonly headers: Promise<Record<string, string | string[] | undefined>>;
  /** Every chunk so far. */
  readonly chunks: Buffer[];
  /** Resolves once `n` bytes have arrived. */
  bytes(n: number): Promise<void>;
  /** The whole body when it ends cleanly; rejects when it is cut. */
  readonly done: Promise<Buffer>;
}

/** A GET read chunk by chunk, as a player streaming a segment reads it. */
function follow(url: string): Follow {
  const chunks: Buffer[] = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  let got = 0;
  let onStatus!: (code: number) => void;
  let onHeaders!: (h: Record<string, string | string[] | undefined>) => void;
  const status = new Promise<number>((r) => { onStatus = r; });
  const headers = new Promise<Record<string, string | string[] | undefined>>((r) => { onHeaders = r; });
  const done = new Promise<Buffer>((resolve, reject) => {
    const req = request(url, (res) => {
      onStatus(res.statusCode ?? 0);
      onHeaders(res.headers);
      res.on('data', (c: Buffer) => {
        chunks.push(c);
        got += c.length;
        for (const w of [...waiters]) if (got >= w.n) { waiters.splice(waiters.indexOf(w), 1); w.resolve(); }
      });
      res.on('end', () => resolve(Buffer.concat(chunks)));
      res.on('aborted', () => reject(new Error('cut')));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
  done.catch(() => {});
  return {
    status, headers, chunks, done,
    bytes: (n) => got >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve })),
  };
}

async function partBytes(base: string, msn: number, part: number): Promise<Buffer> {
  const res = await fetch(`${base}/hls/sp/part-${msn}.${part}.m4s`);
  assert.equal(res.status, 200);
  return Buffer.from(await res.arrayBuffer());
}

test('a segment asked for before it exists is held, then sent part by part, and its bytes are the finished segment', async (t) => {
  const r = await rig(t);
  r.push(300); // segments 0..2 complete; the preload hint names part 3.0
  const seg = follow(`${r.base}/hls/sp/seg-3.m4s`);
  r.push(10); // part 3.0
  assert.equal(await seg.status, 200);
  const h = await seg.headers;
  assert.equal(h['cache-control'], 'public, max-age=31536000, immutable', 'the finished bytes are the same: immutable');
  assert.equal(h['transfer-encoding'], 'chunked');
  assert.equal(h['content-length'], undefined);
  const p0 = await partBytes(r.base, 3, 0);
  await seg.bytes(p0.length);
  assert.deepEqual(Buffer.concat(seg.chunks), p0, 'part 3.0 arrives while the segment is still being made');

  r.push(40); // parts 3.1 .. 3.4
  const firstFive = Buffer.concat([p0, ...await Promise.all([1, 2, 3, 4].map((k) => partBytes(r.base, 3, k)))]);
  await seg.bytes(firstFive.length);
  assert.deepEqual(Buffer.concat(seg.chunks), firstFive);

  r.push(50); // the rest: the segment is complete and the response ends
  const body = await seg.done;
  const whole = await fetch(`${r.base}/hls/sp/seg-3.m4s`);
  assert.equal(whole.headers.get('content-length'), String(body.length), 'a complete segment is sent whole');
  assert.deepEqual(Buffer.from(await whole.arrayBuffer()), body);
});

test('a player joining a segment midway gets its parts so far at once, then the rest', async (t) => {
  const r = await rig(t);
  r.push(100 + 30); // segment 0 complete, parts 1.0 .. 1.2 made
  const seg = follow(`${r.base}/hls/sp/seg-1.m4s`);
  const sofar = Buffer.concat(await Promise.all([0, 1, 2].map((k) => partBytes(r.base, 1, k))));
  await seg.bytes(sofar.length);
  assert.deepEqual(Buffer.concat(seg.chunks), sofar);
  r.push(70);
  const body = await seg.done;
  assert.deepEqual(body, Buffer.from(await (await fetch(`${r.base}/hls/sp/seg-1.m4s`)).arrayBuffer()));
});

test('a segment this origin stops making midway (handed over) is cut, never ended short', async (t) => {
  const r = await rig(t);
  r.push(100 + 20);
  const seg = follow(`${r.base}/hls/sp/seg-1.m4s`);
  await seg.bytes(1);
  await r.audience.handOverFollowed('sp');
  await assert.rejects(seg.done, /cut/, 'a clean end would let a cache keep a truncated segment under an immutable name');
});

test('the Space ending midway ends the segment: a short segment is a whole one', async (t) => {
  const r = await rig(t);
  r.push(100 + 30);
  const seg = follow(`${r.base}/hls/sp/seg-1.m4s`);
  await seg.bytes(1);
  r.sink.end();
  const body = await seg.done;
  assert.deepEqual(body, Buffer.from(await (await fetch(`${r.base}/hls/sp/seg-1.m4s`)).arrayBuffer()));
});

test('segments that are neither made nor next: 404, never held', async (t) => {
  const r = await rig(t);
  r.push(130);
  for (const msn of [2, 3, 999_999]) {
    const res = await fetch(`${r.base}/hls/sp/seg-${msn}.m4s`);
    assert.equal(res.status, 404, `seg-${msn}`);
    assert.equal(res.headers.get('cache-control'), 'no-store');
  }
});
