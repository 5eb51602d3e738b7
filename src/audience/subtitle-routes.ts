import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { TribuneError, isTribuneError } from '../errors/catalogue.js';
import { audienceMetrics } from './metrics.js';
import { SPACE_ID_PATTERN } from './names.js';
import type { Subtitles } from './subtitles.js';

/**
 * The captions under /hls/<spaceId>/captions/, cached like the audio (see routes.ts): segment names
 * are immutable, the live playlist lives one second, a blocking reload's answer three target
 * durations, the replay's files an hour; the cue endpoint one second (each `from` is its own key).
 */
const CACHE = {
  immutable: 'public, max-age=31536000, immutable',
  live: 'public, max-age=1',
  replay: 'public, max-age=3600',
  noStore: 'no-store',
} as const;

const VTT = 'text/vtt; charset=utf-8';
const PLAYLIST = 'application/vnd.apple.mpegurl';
const UINT = /^(0|[1-9][0-9]{0,14})$/;

const invalid = (detail: string): TribuneError => new TribuneError('VALIDATION_FAILED', { detail });

function spaceIdOf(request: FastifyRequest): string {
  const { spaceId } = request.params as { spaceId?: unknown };
  if (typeof spaceId !== 'string' || !SPACE_ID_PATTERN.test(spaceId)) throw invalid('spaceId must match [A-Za-z0-9_-]{1,64}');
  return spaceId;
}

function queryOf(request: FastifyRequest, allowed: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries((request.query ?? {}) as Record<string, unknown>)) {
    if (!allowed.includes(key)) throw invalid(`unknown query parameter ${key}`);
    if (typeof value !== 'string') throw invalid(`${key} must appear once`);
    out[key] = value;
  }
  return out;
}

function uint(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!UINT.test(value)) throw invalid(`${name} must be a non-negative integer`);
  return Number(value);
}

type Handler = (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>;

function handle(fn: Handler): Handler {
  return async (request, reply) => {
    reply.header('Access-Control-Allow-Origin', '*');
    try {
      return await fn(request, reply);
    } catch (error) {
      if (isTribuneError(error) && (error.code === 'PLAYLIST_NOT_READY' || error.code === 'REPLAY_NOT_AVAILABLE')) {
        return reply.code(error.status).header('Cache-Control', CACHE.live).send(error.toJSON());
      }
      reply.header('Cache-Control', CACHE.noStore);
      throw error;
    }
  };
}

function send(reply: FastifyReply, cache: string, type: string, body: string): FastifyReply {
  audienceMetrics.bytesServed.inc({ kind: 'captions' }, Buffer.byteLength(body));
  return reply.header('Cache-Control', cache).type(type).send(body);
}

export async function subtitleRoutes(app: FastifyInstance, deps: { subtitles: Subtitles; targetDuration: number }): Promise<void> {
  const { subtitles } = deps;

  app.get('/hls/:spaceId/captions/live.m3u8', handle(async (request, reply) => {
    const spaceId = spaceIdOf(request);
    await subtitles.load(spaceId);
    const q = queryOf(request, ['_HLS_msn', '_HLS_part', '_HLS_skip']);
    const msn = uint('_HLS_msn', q._HLS_msn);
    // This playlist has no parts: a part directive waits for the segment it belongs to.
    if (q._HLS_part !== undefined && msn === undefined) throw invalid('_HLS_part requires _HLS_msn');
    uint('_HLS_part', q._HLS_part);
    const ac = new AbortController();
    if (msn !== undefined) reply.raw.once('close', () => ac.abort());
    const answer = await subtitles.livePlaylist(spaceId, msn, ac.signal);
    if (answer.status === 503) return reply.code(503).header('Cache-Control', CACHE.noStore).header('Retry-After', '1').send();
    return send(reply, answer.blocking ? `public, max-age=${3 * deps.targetDuration}` : CACHE.live, PLAYLIST, answer.body);
  }));

  app.get('/hls/:spaceId/captions/replay.m3u8', handle(async (request, reply) => {
    const spaceId = spaceIdOf(request);
    await subtitles.load(spaceId);
    queryOf(request, []);
    return send(reply, CACHE.replay, PLAYLIST, subtitles.replayPlaylist(spaceId));
  }));

  app.get('/hls/:spaceId/captions/replay-index.m3u8', handle(async (request, reply) => {
    const spaceId = spaceIdOf(request);
    await subtitles.load(spaceId);
    queryOf(request, []);
    return send(reply, CACHE.replay, PLAYLIST, subtitles.replayMultivariant(spaceId));
  }));

  app.get('/hls/:spaceId/captions/transcript.vtt', handle(async (request, reply) => {
    const spaceId = spaceIdOf(request);
    await subtitles.load(spaceId);
    queryOf(request, []);
    reply.header('Content-Disposition', `attachment; filename="${spaceId}.vtt"`);
    return send(reply, CACHE.replay, VTT, subtitles.transcriptVtt(spaceId));
  }));

  app.get('/hls/:spaceId/captions/transcript.txt', handle(async (request, reply) => {
    const spaceId = spaceIdOf(request);
    await subtitles.load(spaceId);
    queryOf(request, []);
    reply.header('Content-Disposition', `attachment; filename="${spaceId}.txt"`);
    return send(reply, CACHE.replay, 'text/plain; charset=utf-8', subtitles.transcriptText(spaceId));
  }));

  app.get('/hls/:spaceId/captions/transcript.json', handle(async (request, reply) => {
    const spaceId = spaceIdOf(request);
    await subtitles.load(spaceId);
    queryOf(request, []);
    return send(reply, CACHE.replay, 'application/json; charset=utf-8', JSON.stringify({ lines: subtitles.transcript(spaceId) }));
  }));

  app.get('/hls/:spaceId/captions/cues.json', handle(async (request, reply) => {
    const spaceId = spaceIdOf(request);
    await subtitles.load(spaceId);
    const q = queryOf(request, ['from']);
    const body = JSON.stringify(subtitles.liveCues(spaceId, uint('from', q.from)));
    return send(reply, CACHE.live, 'application/json; charset=utf-8', body);
  }));

  app.get('/hls/:spaceId/captions/:file', handle(async (request, reply) => {
    const spaceId = spaceIdOf(request);
    await subtitles.load(spaceId);
    queryOf(request, []);
    const file = (request.params as { file?: string }).file ?? '';
    const live = /^seg-(0|[1-9][0-9]{0,14})\.vtt$/.exec(file);
    if (live) return send(reply, CACHE.immutable, VTT, subtitles.liveSegment(spaceId, Number(live[1])));
    const replay = /^replay-(0|[1-9][0-9]{0,14})\.vtt$/.exec(file);
    if (replay) return send(reply, CACHE.replay, VTT, subtitles.replaySegment(spaceId, Number(replay[1])));
    throw new TribuneError('MEDIA_NOT_FOUND');
  }));
}
