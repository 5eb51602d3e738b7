import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, get, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { audienceRoutes, createAudience } from '../../src/audience/index.js';
import { OPUS_SILENCE } from '../../src/audience/live-stream.js';
import { isTribuneError } from '../../src/errors/catalogue.js';
import { FULL_FIRST_SEGMENT } from '../helpers/audience-app.js';
import { requireProgram } from '../helpers/require-program.js';
import { startEdge, type Edge } from '../helpers/nginx-edge.js';
import { startStreamCache, type StreamCache } from '../helpers/varnish-edge.js';

// The origin's contract for the segment it is producing (docs/edge.md, "A streaming cache for
// segments"): a chunked 200, immutable, each part written as it is produced (one every 400 ms), the
// response ended after the last part; aborted (socket destroyed, no terminating chunk) if the origin
// stops producing it. Complete segments: 200 with Content-Length. Not there yet: 404 no-store.
const PART_MS = 400;
const PARTS = 5;
const PART_BYTES = 1800;
const SPACE = 'stream-space';
const CLIENTS = 20;
/** How late a listener may get a part after the origin wrote it: far less than a part, let alone a segment. */
const STREAMED_WITHIN_MS = 300;

const segmentPath = (msn: number): string => `/hls/${SPACE}/seg-${msn}.m4s`;

/** Part k of segment msn: a moof box and an mdat box, ~1.8 KB, bytes distinct per segment and part. */
function partBytes(msn: number, k: number): Buffer {
  const part = Buffer.alloc(PART_BYTES);
  for (let i = 0; i < PART_BYTES; i++) part[i] = (i * 31 + msn * 7 + k * 13) & 0xff;
  part.writeUInt32BE(200, 0);
  part.write('moof', 4, 'latin1');
  part.writeUInt32BE(PART_BYTES - 200, 200);
  part.write('mdat', 204, 'latin1');
  return part;
}
const segmentBytes = (msn: number): Buffer => Buffer.concat(Array.from({ length: PARTS }, (_, k) => partBytes(msn, k)));

interface Fill { readonly res: ServerResponse; readonly writes: number[] }
interface Production {
  readonly msn: number;
  produced: number;
  state: 'producing' | 'complete' | 'aborted';
  readonly fills: Fill[];
}

/**
 * A model of the origin that follows the contract above: a segment is produced on its own clock
 * (parts at t0, t0 + 400 ms, …), whoever asks; a request during production gets the parts produced
 * so far at once, then each part as it is produced. Counts requests per URL and keeps the time of each
 * write, on the same clock as the clients' (one process).
 */
class OriginModel {
  readonly requests = new Map<string, number>();
  /** The X-Forwarded-For of each request, with its URL. */
  readonly forwardedFor: { url: string; xff: string | undefined }[] = [];
  readonly #segments = new Map<string, Production>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly server = createServer({ noDelay: true, keepAliveTimeout: 30_000 }, (req, res) => this.#handle(req, res));

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  count(url: string): number { return this.requests.get(url) ?? 0; }

  production(msn: number): Production {
    const p = this.#segments.get(segmentPath(msn));
    assert.ok(p, `segment ${msn} was produced`);
    return p;
  }

  /** Starts producing segment msn now; after `abortAfter` parts the origin stops (hands the Space over). */
  produce(msn: number, abortAfter?: number): Production {
    const p: Production = { msn, produced: 0, state: 'producing', fills: [] };
    this.#segments.set(segmentPath(msn), p);
    const t0 = performance.now();
    const tick = (): void => {
      // The part after the last one it produces never comes: the response is cut where the part would be.
      if (p.produced === abortAfter) {
        p.state = 'aborted';
        for (const fill of p.fills) fill.res.destroy();
        return;
      }
      const k = p.produced++;
      for (const fill of p.fills) this.#write(fill, partBytes(msn, k));
      if (p.produced === PARTS) {
        p.state = 'complete';
        for (const fill of p.fills) fill.res.end();
        return;
      }
      const timer = setTimeout(() => { this.#timers.delete(timer); tick(); }, t0 + p.produced * PART_MS - performance.now());
      this.#timers.add(timer);
    };
    tick();
    return p;
  }

  #write(fill: Fill, bytes: Buffer): void {
    fill.writes.push(performance.now());
    fill.res.write(bytes);
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '';
    this.requests.set(url, this.count(url) + 1);
    this.forwardedFor.push({ url, xff: req.headers['x-forwarded-for'] as string | undefined });
    const [path, query] = url.split('?', 2) as [string, string | undefined];
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(JSON.stringify(body));
    };
    if (path === '/healthz') return json(200, { status: 'ok' });
    const segment = /^\/hls\/[A-Za-z0-9_-]{1,64}\/seg-([0-9]+)\.m4s$/.exec(path);
    if (!segment) return json(404, { error: { code: 'NOT_FOUND' } });
    if (query !== undefined) return json(400, { error: { code: 'VALIDATION_FAILED' } });
    const p = this.#segments.get(path);
    if (!p) return json(404, { error: { code: 'MEDIA_NOT_FOUND' } });
    const headers = { 'Content-Type': 'audio/mp4', 'Cache-Control': 'public, max-age=31536000, immutable' };
    // Complete, or (after an abort) complete where the Space went on: an ordinary 200.
    if (p.state !== 'producing') {
      const body = segmentBytes(p.msn);
      res.writeHead(200, { ...headers, 'Content-Length': String(body.length) }).end(body);
      return;
    }
    // No Content-Length: Node sends it chunked, each write() a chunk.
    res.writeHead(200, headers);
    const fill: Fill = { res, writes: [] };
    p.fills.push(fill);
    for (let k = 0; k < p.produced; k++) this.#write(fill, partBytes(p.msn, k));
  }

  async close(): Promise<void> {
    for (const timer of this.#timers) clearTimeout(timer);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

interface Listener {
  readonly startedAt: number;
  status: number;
  bytes: number;
  readonly chunks: { at: number; bytes: number }[];
  body: Buffer;
  /** The response ended with its terminating chunk (or its Content-Length). */
  complete: boolean;
  error?: string;
  headers: IncomingMessage['headers'];
  readonly done: Promise<Listener>;
}

/** One listener: its own connection, every chunk timed on arrival; bounded in time. */
function listen(url: string, timeoutMs = 8000): Listener {
  const parts: Buffer[] = [];
  let resolveDone!: (l: Listener) => void;
  const l: Listener = {
    startedAt: performance.now(), status: 0, bytes: 0, chunks: [], body: Buffer.alloc(0), complete: false, headers: {},
    done: new Promise((resolve) => { resolveDone = resolve; }),
  };
  let settled = false;
  const settle = (error?: string): void => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    if (error && !l.error) l.error = error;
    l.body = Buffer.concat(parts);
    resolveDone(l);
  };
  const req = get(url, { agent: false }, (res) => {
    l.status = res.statusCode ?? 0;
    l.headers = res.headers;
    res.on('data', (chunk: Buffer) => {
      parts.push(chunk);
      l.bytes += chunk.length;
      l.chunks.push({ at: performance.now(), bytes: l.bytes });
    });
    res.on('error', (err) => { l.error ??= err.message; });
    res.on('close', () => { l.complete = res.complete; settle(res.complete ? undefined : 'closed before the end of the response'); });
  });
  req.on('error', (err) => settle(err.message));
  const timer = setTimeout(() => req.destroy(new Error(`no end within ${timeoutMs} ms`)), timeoutMs);
  return l;
}

/** When the listener had received the first `bytes` bytes (undefined: never). */
const arrivalOf = (l: Listener, bytes: number): number | undefined => l.chunks.find((c) => c.bytes >= bytes)?.at;

async function waitFor(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The raw bytes a server sends for one GET, with the time each read arrived (HTTP/1.1 framing as sent). */
function rawGet(port: number, path: string, timeoutMs = 5000): Promise<{ reads: { at: number; data: Buffer }[]; all: Buffer }> {
  return new Promise((resolve) => {
    const reads: { at: number; data: Buffer }[] = [];
    const socket: Socket = connect(port, '127.0.0.1', () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: edge.test\r\nConnection: close\r\n\r\n`);
    });
    socket.on('data', (data: Buffer) => reads.push({ at: performance.now(), data }));
    const finish = (): void => { clearTimeout(timer); resolve({ reads, all: Buffer.concat(reads.map((r) => r.data)) }); };
    socket.on('close', finish);
    socket.on('error', () => socket.destroy());
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
  });
}

/** The chunk sizes of a chunked HTTP/1.1 body (after the headers). */
function chunkSizes(raw: Buffer): number[] {
  const text = raw.toString('latin1');
  let at = text.indexOf('\r\n\r\n') + 4;
  const sizes: number[] = [];
  while (at > 3 && at < text.length) {
    const eol = text.indexOf('\r\n', at);
    if (eol < 0) break;
    const size = parseInt(text.slice(at, eol), 16);
    if (Number.isNaN(size)) break;
    sizes.push(size);
    if (size === 0) break;
    at = eol + 2 + size + 2;
  }
  return sizes;
}

const haveTools = requireProgram('nginx') && requireProgram('varnishd');

test('segments through nginx and the streaming cache (Varnish): one origin request per segment, shared while it is produced, nothing truncated kept', { skip: !haveTools, timeout: 90_000 }, async (t) => {
  const origin = new OriginModel();
  let cache: StreamCache | undefined;
  let edge: Edge | undefined;
  t.after(async () => {
    await edge?.stop();
    await cache?.stop();
    await origin.close();
  });
  const originAddress = await origin.listen();
  cache = await startStreamCache([originAddress]);
  edge = await startEdge({ primary: originAddress }, { streamCache: `127.0.0.1:${cache.port}` });
  const base = `http://127.0.0.1:${edge.port}`;
  t.diagnostic(`varnishd ${cache.args.join(' ')}`);

  await t.test('(a, b, c) 20 listeners at once for the segment being produced: one origin request, every part to every listener as it is written', async () => {
    const msn = 100;
    const production = origin.produce(msn);
    const listeners = Array.from({ length: CLIENTS }, () => listen(`${base}${segmentPath(msn)}`));
    await Promise.all(listeners.map((l) => l.done));
    assert.equal(origin.count(segmentPath(msn)), 1, 'the origin saw one request for the segment');
    assert.equal(production.fills.length, 1);
    const writes = production.fills[0]!.writes;
    assert.equal(writes.length, PARTS);
    const full = segmentBytes(msn);
    const firstDelays: number[] = [];
    const worstDelays: number[] = [];
    for (const [i, l] of listeners.entries()) {
      assert.equal(l.status, 200, `listener ${i}`);
      assert.equal(l.error, undefined, `listener ${i}`);
      assert.ok(l.complete, `listener ${i} got a complete response`);
      assert.ok(l.body.equals(full), `listener ${i} got the origin's segment, byte for byte`);
      assert.equal(l.headers['content-type'], 'audio/mp4');
      assert.equal(l.headers['cache-control'], 'public, max-age=31536000, immutable');
      assert.equal(l.headers['transfer-encoding'], 'chunked', 'streamed: no length known in advance');
      assert.equal(l.headers['x-varnish'], undefined);
      assert.equal(l.headers.via, undefined);
      const delays = writes.map((w, k) => arrivalOf(l, (k + 1) * PART_BYTES)! - w);
      firstDelays.push(delays[0]!);
      worstDelays.push(Math.max(...delays));
      assert.ok(delays[0]! < STREAMED_WITHIN_MS, `listener ${i} had the first part ${delays[0]!.toFixed(0)} ms after the origin wrote it`);
      // Long before the origin finished: streamed, not handed over once the whole segment was in.
      assert.ok(arrivalOf(l, PART_BYTES)! < writes[PARTS - 1]! - 1000, `listener ${i} had the first part before the origin's last`);
      for (const [k, d] of delays.entries()) assert.ok(d < STREAMED_WITHIN_MS, `listener ${i} had part ${k} ${d.toFixed(0)} ms after the origin wrote it`);
    }
    const fmt = (xs: number[]): string => xs.map((x) => x.toFixed(0)).join(' ');
    t.diagnostic(`first part, ms after the origin wrote it, per listener: ${fmt(firstDelays)}`);
    t.diagnostic(`worst part of each listener, ms after the origin wrote it: ${fmt(worstDelays)}`);
    t.diagnostic(`origin wrote the parts at +${fmt(writes.map((w) => w - writes[0]!))} ms; requests for the segment: ${origin.count(segmentPath(msn))}`);
  });

  await t.test('(f) the completed segment is then a cache hit', async () => {
    const msn = 100;
    const again = await listen(`${base}${segmentPath(msn)}`).done;
    assert.equal(again.status, 200);
    assert.ok(again.complete && again.body.equals(segmentBytes(msn)));
    assert.equal(origin.count(segmentPath(msn)), 1, 'no second origin request');
  });

  await t.test('(d) a listener joining mid-fill gets the parts so far at once, then the rest as they are written', async () => {
    const msn = 101;
    const production = origin.produce(msn);
    const first = listen(`${base}${segmentPath(msn)}`);
    await waitFor('the first listener has two parts', () => first.bytes >= 2 * PART_BYTES, 3000);
    const producedAtJoin = production.produced;
    assert.ok(producedAtJoin < PARTS, 'joined while the segment was being produced');
    const late = listen(`${base}${segmentPath(msn)}`);
    await Promise.all([first.done, late.done]);
    assert.equal(origin.count(segmentPath(msn)), 1, 'the late listener joined the fill');
    const full = segmentBytes(msn);
    for (const l of [first, late]) assert.ok(l.complete && l.body.equals(full), 'the whole segment, byte for byte');
    const soFar = arrivalOf(late, producedAtJoin * PART_BYTES)! - late.startedAt;
    t.diagnostic(`joined with ${producedAtJoin} of ${PARTS} parts produced: had them ${soFar.toFixed(0)} ms after asking`);
    assert.ok(soFar < STREAMED_WITHIN_MS, `the parts so far arrived ${soFar.toFixed(0)} ms after asking`);
    const writes = production.fills[0]!.writes;
    for (let k = producedAtJoin; k < PARTS; k++) {
      const d = arrivalOf(late, (k + 1) * PART_BYTES)! - writes[k]!;
      assert.ok(d < STREAMED_WITHIN_MS, `part ${k} reached the late listener ${d.toFixed(0)} ms after the origin wrote it`);
    }
  });

  await t.test('(e) a fill the origin aborts: its listeners see the cut, and nothing truncated is kept', async () => {
    const msn = 102;
    const production = origin.produce(msn, 2);
    const listeners = Array.from({ length: 5 }, () => listen(`${base}${segmentPath(msn)}`));
    await waitFor('a listener has the first part', () => listeners[0]!.bytes >= PART_BYTES, 3000);
    listeners.push(listen(`${base}${segmentPath(msn)}`));
    await Promise.all(listeners.map((l) => l.done));
    assert.equal(production.state, 'aborted');
    assert.equal(origin.count(segmentPath(msn)), 1);
    for (const [i, l] of listeners.entries()) {
      assert.equal(l.complete, false, `listener ${i} saw the response cut`);
      assert.ok(l.error, `listener ${i}: an error, not an end`);
      assert.ok(l.body.equals(segmentBytes(msn).subarray(0, 2 * PART_BYTES)), `listener ${i}: the two parts the origin wrote (${l.bytes} bytes), then the cut`);
    }
    t.diagnostic(`aborted fill: listeners got ${listeners.map((l) => l.bytes).join(' ')} bytes, then "${listeners[0]!.error}"`);
    // The next request goes to the origin again (now answered whole, as by the origin that took the Space over).
    const next = await listen(`${base}${segmentPath(msn)}`).done;
    assert.equal(origin.count(segmentPath(msn)), 2, 'fetched again: nothing truncated was cached');
    assert.ok(next.complete && next.body.equals(segmentBytes(msn)));
    const hit = await listen(`${base}${segmentPath(msn)}`).done;
    assert.ok(hit.complete && hit.body.equals(segmentBytes(msn)));
    assert.equal(origin.count(segmentPath(msn)), 2, 'and that whole copy is kept');
    assert.match(edge!.errorLog(), /upstream prematurely closed/, 'nginx saw the stream cache cut the response');
  });

  await t.test('a segment that does not exist yet (404, no-store) is never kept: each request reaches the origin', async () => {
    const path = segmentPath(200);
    for (let i = 1; i <= 3; i++) {
      const r = await listen(`${base}${path}`).done;
      assert.equal(r.status, 404);
      assert.equal(origin.count(path), i, `request ${i} reached the origin`);
    }
    // Asked at once by many: how many reach the origin is Varnish's waiting list (diagnostic only).
    const before = origin.count(path);
    const crowd = Array.from({ length: 10 }, () => listen(`${base}${path}`));
    for (const r of await Promise.all(crowd.map((l) => l.done))) assert.equal(r.status, 404);
    t.diagnostic(`10 listeners at once for a 404 no-store: ${origin.count(path) - before} origin requests`);
    // It exists now, and no marker of the 404 stands in the way: the listeners asking share one fetch.
    origin.produce(200);
    const asked = origin.count(path);
    const now = await Promise.all(Array.from({ length: 5 }, () => listen(`${base}${path}`).done));
    for (const l of now) assert.ok(l.complete && l.body.equals(segmentBytes(200)));
    assert.equal(origin.count(path), asked + 1, 'one origin request for the five listeners');
  });

  await t.test('outside the cache: a query string, other paths, and the client address as nginx wrote it', async () => {
    const withQuery = `${segmentPath(100)}?x=1`;
    for (let i = 1; i <= 2; i++) {
      const r = await listen(`${base}${withQuery}`).done;
      assert.equal(r.status, 400, 'the origin answers a query string');
      assert.equal(origin.count(withQuery), i, 'passed, never cached');
    }
    const xffOf = (url: string): (string | undefined)[] => origin.forwardedFor.filter((r) => r.url === url).map((r) => r.xff);
    assert.equal((await listen(`${base}${segmentPath(201)}`).done).status, 404);
    assert.deepEqual(xffOf(segmentPath(201)), ['127.0.0.1'], 'X-Forwarded-For as nginx set it, without Varnish\'s append');
    // Straight to the stream cache (as nginx is its only client), any other path is passed through.
    const direct = await fetch(`http://127.0.0.1:${cache!.port}/api/v1/anything`, { headers: { 'X-Forwarded-For': '203.0.113.7' } });
    assert.equal(direct.status, 404);
    assert.equal(origin.count('/api/v1/anything'), 1);
    assert.deepEqual(xffOf('/api/v1/anything'), ['203.0.113.7']);
  });

  await t.test('HTTP/1.1 framing of a streamed segment: Varnish and nginx each send a chunk per part as it arrives', async () => {
    const msn = 103;
    const production = origin.produce(msn);
    const [fromCache, fromEdge] = await Promise.all([rawGet(cache!.port, segmentPath(msn)), rawGet(edge!.port, segmentPath(msn))]);
    assert.equal(origin.count(segmentPath(msn)), 1);
    for (const [who, raw] of [['varnish', fromCache], ['nginx', fromEdge]] as const) {
      const head = raw.all.toString('latin1', 0, raw.all.indexOf('\r\n\r\n'));
      assert.match(head, /^HTTP\/1\.1 200 /);
      assert.match(head, /\r\ntransfer-encoding: chunked/i);
      const sizes = chunkSizes(raw.all);
      assert.equal(sizes.at(-1), 0, `${who}: the terminating chunk`);
      assert.equal(sizes.reduce((a, b) => a + b, 0), PARTS * PART_BYTES);
      const t0 = production.fills[0]!.writes[0]!;
      t.diagnostic(`${who}: chunk sizes ${sizes.join(' ')}; reads at +${raw.reads.map((r) => (r.at - t0).toFixed(0)).join(' ')} ms`);
    }
  });

  await t.test('the stream cache down: segments answer 502 (nginx), nothing hangs', async () => {
    await cache!.stop();
    const r = await listen(`${base}${segmentPath(100)}`, 3000).done;
    assert.equal(r.status, 502);
  });

  assert.equal(edge.errorLog().includes('[emerg]'), false);
});

test('the origin\'s own segment stream through nginx and the streaming cache: one request, each part to every listener as it is made, a hand-over\'s cut not kept', { skip: !haveTools, timeout: 60_000 }, async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tribune-varnish-origin-'));
  const audience = createAudience({ ...FULL_FIRST_SEGMENT, dataDir, fsync: false, blockingTimeoutMs: 3_000 });
  // The audience routes as the server mounts them, and the liveness the stream cache probes.
  const app = Fastify({ logger: false, keepAliveTimeout: 30_000 });
  app.setErrorHandler((err, _request, reply) => {
    if (isTribuneError(err)) return reply.code(err.status).send(err.toJSON());
    return reply.code((err as { statusCode?: number }).statusCode ?? 500).send({ error: { code: 'INTERNAL' } });
  });
  app.get('/healthz', async (_request, reply) => reply.header('cache-control', 'no-store').send({ status: 'ok' }));
  await app.register(audienceRoutes, { audience });
  let cache: StreamCache | undefined;
  let edge: Edge | undefined;
  t.after(async () => {
    await edge?.stop();
    await cache?.stop();
    await app.close();
    await audience.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const originAddress = `127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const requests = new Map<string, number>();
  app.server.on('request', (req: IncomingMessage) => requests.set(req.url ?? '', (requests.get(req.url ?? '') ?? 0) + 1));
  cache = await startStreamCache([originAddress]);
  edge = await startEdge({ primary: originAddress }, { streamCache: `127.0.0.1:${cache.port}` });
  const base = `http://127.0.0.1:${edge.port}`;

  const sink = audience.begin('real-space');
  let pts = 0;
  /** One 400 ms part (20 frames of 20 ms), made now; returns when it was made. */
  const makePart = (): number => {
    for (let i = 0; i < 20; i++, pts += 960) sink.push({ opus: OPUS_SILENCE, pts, wallClock: Date.now() });
    return performance.now();
  };
  const path = (msn: number): string => `/hls/real-space/seg-${msn}.m4s`;
  for (let k = 0; k < 5; k++) makePart(); // segment 0 complete
  makePart(); // part 1.0: segment 1 is being produced
  const partLength = async (msn: number, part: number): Promise<number> => {
    const res = await fetch(`${base}/hls/real-space/part-${msn}.${part}.m4s`);
    assert.equal(res.status, 200);
    return (await res.arrayBuffer()).byteLength;
  };

  const listeners = Array.from({ length: CLIENTS }, () => listen(`${base}${path(1)}`, 15_000));
  let bytes = await partLength(1, 0);
  await waitFor('every listener has part 1.0', () => listeners.every((l) => l.bytes >= bytes), 3000);
  const delays: number[] = [];
  for (let k = 1; k < 5; k++) {
    const madeAt = makePart();
    bytes += await partLength(1, k);
    await waitFor(`every listener has part 1.${k}`, () => listeners.every((l) => l.bytes >= bytes), 3000);
    for (const l of listeners) delays.push(arrivalOf(l, bytes)! - madeAt);
  }
  await Promise.all(listeners.map((l) => l.done));
  const whole = await audience.segment('real-space', 1);
  assert.ok(Buffer.isBuffer(whole), 'segment 1 is complete');
  for (const [i, l] of listeners.entries()) {
    assert.equal(l.status, 200);
    assert.ok(l.complete && l.body.equals(whole), `listener ${i} got the finished segment, byte for byte`);
  }
  assert.equal(requests.get(path(1)), 1, 'one origin request for 20 listeners');
  t.diagnostic(`real origin: parts 1.1-1.4 reached the 20 listeners ${Math.min(...delays).toFixed(0)}-${Math.max(...delays).toFixed(0)} ms after they were made; origin requests for the segment: ${requests.get(path(1))}`);
  assert.ok(Math.max(...delays) < STREAMED_WITHIN_MS, `each part within ${STREAMED_WITHIN_MS} ms of being made`);
  const hit = await listen(`${base}${path(1)}`).done;
  assert.ok(hit.complete && hit.body.equals(whole));
  assert.equal(requests.get(path(1)), 1, 'then a cache hit');

  // A hand-over while segment 2 is produced: the origin cuts the stream, the cache keeps nothing.
  for (let k = 0; k < 3; k++) makePart();
  const cut = Array.from({ length: 5 }, () => listen(`${base}${path(2)}`));
  const soFar = (await Promise.all([0, 1].map((k) => partLength(2, k)))).reduce((a, b) => a + b, 0);
  await waitFor('the listeners have the parts so far', () => cut.every((l) => l.bytes >= soFar), 3000);
  await audience.handOverFollowed('real-space');
  for (const l of await Promise.all(cut.map((c) => c.done))) {
    assert.equal(l.complete, false, 'cut, not ended short');
    assert.ok(l.error);
  }
  assert.equal(requests.get(path(2)), 1);
  const after = await listen(`${base}${path(2)}`).done;
  assert.equal(requests.get(path(2)), 2, 'asked of the origin again: nothing truncated was kept');
  assert.notEqual(after.status, 200, 'this origin no longer has it');
  t.diagnostic(`after the hand-over, segment 2 from this origin: ${after.status}`);
});
