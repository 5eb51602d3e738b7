import Fastify, { type FastifyInstance } from 'fastify';
import opus from '@discordjs/opus';
import type { EncodedFrame, ListenGrant, ProgramSink, StageAuthority, StageSeat } from '../../src/media/types.js';
import { TribuneError } from '../../src/errors/catalogue.js';
import { createStageMedia, stageRoutes, type StageMedia, type StageMediaOptions } from '../../src/stage/index.js';
import { DEFAULTS, STAGE_MEDIA_TUNING } from '../../src/config/defaults.js';
import { tribuneErrorHandler } from './error-handler.js';

/** A StageAuthority for tests: a bearer is a seat when it is in `seats`, else invalid. */
export class TestAuthority implements StageAuthority {
  readonly seats = new Map<string, StageSeat>();

  grant(token: string, spaceId: string, participantId: string, muted = false): StageSeat {
    const seat: StageSeat = { spaceId, participantId, displayName: participantId, role: 'speaker', muted };
    this.seats.set(token, seat);
    return seat;
  }

  async authorizePublish(spaceId: string, bearer: string | undefined): Promise<StageSeat> {
    if (!bearer) throw new TribuneError('AUTH_REQUIRED');
    const seat = this.seats.get(bearer);
    if (!seat || seat.spaceId !== spaceId) throw new TribuneError('STAGE_TOKEN_INVALID');
    return seat;
  }

  async authorizeListen(spaceId: string, bearer: string | undefined): Promise<ListenGrant> {
    if (!bearer) return { kind: 'program' };
    const seat = this.seats.get(bearer);
    if (!seat || seat.spaceId !== spaceId) throw new TribuneError('STAGE_TOKEN_INVALID');
    return { kind: 'mix-minus', seat };
  }
}

/** A ProgramSink that decodes what it gets, so tests can look for tones in the program itself. */
export class DecodingSink implements ProgramSink {
  readonly frames: { pts: number; wallClock: number; pcm: Int16Array }[] = [];
  readonly #decoder = new opus.OpusEncoder(48_000, 1);
  ended = false;

  push(frame: EncodedFrame): void {
    const pcm = this.#decoder.decode(frame.opus);
    this.frames.push({ pts: frame.pts, wallClock: frame.wallClock, pcm: new Int16Array(pcm.buffer, pcm.byteOffset, pcm.length >> 1) });
    if (this.frames.length > 1500) this.frames.splice(0, 500);
  }

  end(): void {
    this.ended = true;
  }

  /** Concatenated PCM of frames mixed in [from, to) (wall clock ms). */
  between(from: number, to = Infinity): Int16Array {
    const chosen = this.frames.filter((f) => f.wallClock >= from && f.wallClock < to);
    const out = new Int16Array(chosen.length * 960);
    chosen.forEach((f, i) => out.set(f.pcm, i * 960));
    return out;
  }
}

/** The stage's options as the composition root would pass them with every default. */
export function stageMediaDefaults(): StageMediaOptions {
  return {
    ...STAGE_MEDIA_TUNING, udpPort: DEFAULTS.stage.udpPort, advertisedAddresses: DEFAULTS.stage.advertisedAddresses,
    iceServers: DEFAULTS.stage.iceServers, maxSessions: DEFAULTS.stage.maxMediaSessions, opusBitrate: DEFAULTS.stage.programBitrate,
  };
}

export async function buildStageApp(options: Partial<StageMediaOptions> = {}): Promise<{ app: FastifyInstance; media: StageMedia; authority: TestAuthority }> {
  const media = createStageMedia({ ...stageMediaDefaults(), udpPort: 0, bindAddress: '127.0.0.1', maxSessions: 100, sessionRateBurst: 1000, sessionRatePerSecond: 1000, ...options });
  const authority = new TestAuthority();
  const app = Fastify();
  app.setErrorHandler(tribuneErrorHandler);
  await app.register(async (scope) => stageRoutes(scope, { media, authority }));
  await app.ready();
  return { app, media, authority };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` (sync or async) until it holds or the time is up; returns its last answer. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, stepMs = 20): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return true;
    await sleep(stepMs);
  }
  return check();
}
