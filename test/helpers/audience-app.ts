import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { isTribuneError } from '../../src/errors/catalogue.js';
import type { Audience, AudienceOptions } from '../../src/audience/index.js';
import { audienceRoutes, createAudience } from '../../src/audience/index.js';
import { OPUS_SILENCE } from '../../src/audience/live-stream.js';
import type { ProgramSink } from '../../src/media/types.js';

/**
 * A fastify app serving the audience routes, with the error rendering the control plane uses
 * (TribuneError -> status + { error: { code, message } }). Stand-in until the shared app exists.
 */
export async function buildAudienceApp(audience: Audience): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, keepAliveTimeout: 30_000 });
  app.setErrorHandler((err, _request, reply) => {
    if (isTribuneError(err)) return reply.code(err.status).send(err.toJSON());
    const status = (err as { statusCode?: number }).statusCode ?? 500;
    return reply.code(status).send({ error: { code: status === 404 ? 'ROUTE_NOT_FOUND' : 'INTERNAL', message: (err as Error).message } });
  });
  await app.register(audienceRoutes, { audience });
  await app.ready();
  return app;
}

/**
 * A first segment as long as the others (5 parts of 400 ms), for suites that count whole segments
 * from msn 0. The short first segment has its own tests.
 */
export const FULL_FIRST_SEGMENT = { startupParts: 5, startupPartMs: 400 } as const;
/**
 * The protocol suites name parts by counting 200 ms parts (10 to a 2 s segment) from msn 0: the
 * mechanics they check (blocking reloads, delta updates, hints) do not depend on the part duration.
 */
export const SEGMENTS_OF_TEN_200_MS_PARTS = { partTargetMs: 200, startupParts: 10, startupPartMs: 200 } as const;

export interface LiveAudience {
  readonly audience: Audience;
  readonly app: FastifyInstance;
  readonly dataDir: string;
  /** The live Space 'sp'. */
  readonly sink: ProgramSink;
  /** `http://127.0.0.1:<port>` when listening (`listen`), else undefined: use app.inject. */
  readonly base: string | undefined;
  /** n frames of 20 ms of silence on the programme clock (its wall clock from 2026-01-01T12:00Z). */
  push(n: number): void;
}

/**
 * An audience plane with its routes and the Space 'sp' live on it, removed after the test: what the
 * LL-HLS suites feed frame by frame. `listen`: on a loopback port, for clients that read a response
 * as it arrives (app.inject gives it whole).
 */
export async function liveAudience(t: { after(fn: () => Promise<void>): void }, options: Partial<AudienceOptions> = {}, listen = false): Promise<LiveAudience> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tribune-audience-'));
  const audience = createAudience({ dataDir, fsync: false, ...options });
  const app = await buildAudienceApp(audience);
  if (listen) await app.listen({ host: '127.0.0.1', port: 0 });
  t.after(async () => {
    await app.close();
    await audience.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const sink = audience.begin('sp');
  const wall0 = Date.UTC(2026, 0, 1, 12, 0, 0);
  let pts = 0;
  return {
    audience, app, dataDir, sink,
    base: listen ? `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` : undefined,
    push(n: number) {
      for (let i = 0; i < n; i++, pts += 960) sink.push({ opus: OPUS_SILENCE, pts, wallClock: wall0 + pts / 48 });
    },
  };
}
