import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { TribuneError, isTribuneError } from '../errors/catalogue.js';
import type { Audience } from './audience.js';
import { audienceMetrics } from './metrics.js';
import { SPACE_ID_PATTERN, parseMediaName } from './names.js';
import type { SkipRequest } from './playlist.js';
import { encodeText, pickEncoding } from '../http/text-encoding.js';

/**
 * Cache policy, written for an HTTP cache in front (deploy/nginx/edge.conf, any CDN):
 * - media (init, parts, segments) never change under a name: a year, immutable;
 * - the live playlist changes every part: max-age=1 (the smallest a cache honours);
 * - a blocking reload's answer is keyed by its query and already contains what was asked for, so it
 *   may be shared for a while: every player asking for the same part gets one origin request;
 * - a 404 for media that does not exist *yet* must never be cached (the name will exist a moment
 *   later and is then immutable): no-store. PLAYLIST_NOT_READY is short-cached (1 s) so a crowd
 *   waiting for a Space to start costs the origin one request per second per edge.
 */
const CACHE = {
  immutable: 'public, max-age=31536000, immutable',
  livePlaylist: 'public, max-age=1',
  replay: 'public, max-age=60',
  recording: 'public, max-age=3600',
  noStore: 'no-store',
} as const;

const PLAYLIST_TYPE = 'application/vnd.apple.mpegurl';
const MP4_TYPE = 'audio/mp4';

type Params = { spaceId: string; file?: string };

function invalid(detail: string): TribuneError {
  return new TribuneError('VALIDATION_FAILED', { detail });
}

function spaceIdOf(request: FastifyRequest): string {
  const { spaceId } = request.params as Params;
  if (typeof spaceId !== 'string' || !SPACE_ID_PATTERN.test(spaceId)) throw invalid('spaceId must match [A-Za-z0-9_-]{1,64}');
  return spaceId;
}

function queryOf(request: FastifyRequest, allowed: readonly string[]): Record<string, string> {
  const q = (request.query ?? {}) as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(q)) {
    if (!allowed.includes(key)) throw invalid(`unknown query parameter ${key}`);
    if (typeof value !== 'string') throw invalid(`${key} must appear once`);
    out[key] = value;
  }
  return out;
}

function uint(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^(0|[1-9][0-9]{0,14})$/.test(value)) throw invalid(`${name} must be a non-negative integer`);
  return Number(value);
}

/** One `bytes=` range (RFC 9110 §14.1.2); several ranges are answered with the whole file. */
function byteRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  const m = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!m || (m[1] === '' && m[2] === '')) return null;
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) return 'unsatisfiable';
  return { start, end };
}

/** Aborts when the client goes away, so a held request does not outlive its connection. */
function abortOnClose(reply: FastifyReply): AbortSignal {
  const ac = new AbortController();
  reply.raw.once('close', () => ac.abort());
  return ac.signal;
}

async function* counted(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  for await (const chunk of chunks) {
    audienceMetrics.bytesServed.inc({ kind: 'segment' }, chunk.length);
    yield chunk;
  }
}

function sendMedia(reply: FastifyReply, kind: string, data: Buffer): FastifyReply {
  audienceMetrics.bytesServed.inc({ kind }, data.length);
  return reply.header('Cache-Control', CACHE.immutable).type(MP4_TYPE).send(data);
}

/** A playlist, compressed when the client accepts it (once per version, see encodeText). */
function sendPlaylist(request: FastifyRequest, reply: FastifyReply, body: string, cacheControl: string): FastifyReply {
  const encoding = pickEncoding(request.headers['accept-encoding']);
  const bytes = encoding === 'identity' ? Buffer.from(body) : encodeText(body, encoding);
  audienceMetrics.bytesServed.inc({ kind: 'playlist' }, bytes.length);
  reply.header('Cache-Control', cacheControl).header('Vary', 'Accept-Encoding').type(PLAYLIST_TYPE);
  if (encoding !== 'identity') reply.header('Content-Encoding', encoding);
  return reply.send(bytes);
}

type Handler = (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>;

/**
 * Per-route wrapper rather than instance hooks, so the routes behave the same whether they are
 * registered as an encapsulated plugin or called on the root instance: CORS for players on other
 * origins, and a Cache-Control on every error (the central error handler renders the body).
 */
function handle(fn: Handler): Handler {
  return async (request, reply) => {
    reply.header('Access-Control-Allow-Origin', '*');
    try {
      return await fn(request, reply);
    } catch (error) {
      const code = isTribuneError(error) ? error.code : undefined;
      if (isTribuneError(error) && code === 'MEDIA_MOVED') {
        // The same URL, relative, so the client asks its edge again and reaches the origin that runs
        // the Space now; players and ffmpeg follow a 307 without a word.
        return reply.code(307).header('Location', request.url).header('Cache-Control', CACHE.noStore).send(error.toJSON());
      }
      if (isTribuneError(error) && (code === 'PLAYLIST_NOT_READY' || code === 'REPLAY_NOT_AVAILABLE')) {
        // Rendered here, in the central handler's format, because it must stay cacheable for 1 s:
        // the central handler marks every error no-store, which would let a crowd waiting for a
        // Space to start reach the origin with every poll.
        return reply.code(error.status).header('Cache-Control', CACHE.livePlaylist).send(error.toJSON());
      }
      reply.header('Cache-Control', CACHE.noStore);
      throw error;
    }
  };
}

/** Fastify plugin: `app.register(audienceRoutes, { audience })`, or call it on an instance. */
export async function audienceRoutes(app: FastifyInstance, deps: { audience: Audience }): Promise<void> {
  const { audience } = deps;

  app.get('/hls/:spaceId/index.m3u8', handle(async (request, reply) => {
    const spaceId = spaceIdOf(request);
    queryOf(request, []);
    const body = await audience.multivariantPlaylist(spaceId, abortOnClose(reply));
    audienceMetrics.playlistRequests.inc({ kind: 'multivariant' });
    return sendPlaylist(request, reply, body, CACHE.livePlaylist);
  }));

  app.get('/hls/:spaceId/audio.m3u8', handle(async (request, reply) => {
    const spaceId = spaceIdOf(request);
    const q = queryOf(request, ['_HLS_msn', '_HLS_part', '_HLS_skip']);
    const msn = uint('_HLS_msn', q._HLS_msn);
    const part = uint('_HLS_part', q._HLS_part);
    // RFC 8216bis §6.2.5.2: _HLS_part without _HLS_msn MUST be answered with 400.
    if (part !== undefined && msn === undefined) throw invalid('_HLS_part requires _HLS_msn');
    const skipRaw = q._HLS_skip;
    if (skipRaw !== undefined && skipRaw !== 'YES' && skipRaw !== 'v2') throw invalid('_HLS_skip must be YES or v2');
    const skip: SkipRequest = skipRaw ?? 'NO';
    const answer = await audience.mediaPlaylist(spaceId, { msn, part, skip }, msn === undefined ? undefined : abortOnClose(reply));
    if (answer.status === 503) {
      return reply.code(503).header('Cache-Control', CACHE.noStore).header('Retry-After', '1').send();
    }
    // A blocking answer is keyed by its query (msn, part, skip) and holds what was asked for.
    const targetDuration = Math.max(1, Math.round(audience.options.segmentTargetMs / 1000));
    const cache = answer.blocking ? `public, max-age=${3 * targetDuration}` : CACHE.livePlaylist;
    return sendPlaylist(request, reply, answer.body, cache);
  }));

  app.get('/hls/:spaceId/init.mp4', handle(async (request, reply) => {
    const spaceId = spaceIdOf(request);
    queryOf(request, []);
    return sendMedia(reply, 'init', await audience.initSegment(spaceId));
  }));

  app.get('/hls/:spaceId/replay.m3u8', handle(async (request, reply) => {
    const spaceId = spaceIdOf(request);
    queryOf(request, []);
    return sendPlaylist(request, reply, await audience.replayPlaylist(spaceId), CACHE.replay);
  }));

  app.get('/hls/:spaceId/recording.m4a', handle(async (request, reply) => {
    const spaceId = spaceIdOf(request);
    queryOf(request, []);
    const rec = await audience.recording(spaceId);
    audienceMetrics.bytesServed.inc({ kind: 'recording' }, rec.size);
    return reply
      .header('Cache-Control', CACHE.recording)
      .header('Content-Disposition', `attachment; filename="${spaceId}.m4a"`)
      .header('Content-Length', String(rec.size))
      .type(MP4_TYPE)
      .send(rec.stream());
  }));

  app.get('/hls/:spaceId/clips/:file', handle(async (request, reply) => {
    const spaceId = spaceIdOf(request);
    queryOf(request, []);
    const file = (request.params as Params).file ?? '';
    if (!file.endsWith('.m4a')) throw new TribuneError('CLIP_NOT_FOUND', { clipId: file.slice(0, 40) });
    const clip = await audience.clip(spaceId, file.slice(0, -4));
    const data = await clip.data();
    // Not immutable: a clip goes when its recording is deleted, and caches should not outlive that by a year.
    void reply.header('Cache-Control', CACHE.recording).header('Accept-Ranges', 'bytes')
      .header('Content-Disposition', `inline; filename="${clip.info.id}.m4a"`).type(MP4_TYPE);
    // A media element reads a file it can seek in by ranges (and shows its length only then).
    const range = byteRange(request.headers.range, data.length);
    if (range === 'unsatisfiable') return reply.code(416).header('Content-Range', `bytes */${data.length}`).send();
    const body = range ? data.subarray(range.start, range.end + 1) : data;
    audienceMetrics.bytesServed.inc({ kind: 'clip' }, body.length);
    if (range) void reply.code(206).header('Content-Range', `bytes ${range.start}-${range.end}/${data.length}`);
    return reply.send(body);
  }));

  app.get('/hls/:spaceId/:file', handle(async (request, reply) => {
    const spaceId = spaceIdOf(request);
    const name = parseMediaName((request.params as Params).file ?? '');
    if (!name) throw new TribuneError('MEDIA_NOT_FOUND');
    queryOf(request, []);
    if (name.kind === 'segment') {
      const segment = await audience.segment(spaceId, name.msn, abortOnClose(reply));
      if (Buffer.isBuffer(segment)) return sendMedia(reply, 'segment', segment);
      // Produced while it is sent (docs/edge.md, segment streams): chunked, each part as it is made.
      // The bytes are the finished segment's, so the name stays immutable; a fill this origin cannot
      // finish ends the stream in error, which cuts the response rather than ending it short.
      audienceMetrics.segmentStreams.inc();
      return reply.header('Cache-Control', CACHE.immutable).type(MP4_TYPE).send(Readable.from(counted(segment)));
    }
    return sendMedia(reply, 'part', await audience.part(spaceId, name.msn, name.part, abortOnClose(reply)));
  }));
}
