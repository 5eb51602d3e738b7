import underPressure from '@fastify/under-pressure';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config/schema.js';
import { TribuneError } from '../../errors/catalogue.js';
import { defenceMetrics } from './metrics.js';
import { classify, type RequestClass } from './request-class.js';

/** 0: calm; 1: anonymous writes shed; 2: and new WHEP listeners, logins, registrations; 3: and all writes. */
export type PressureLevel = 0 | 1 | 2 | 3;

const SHED_FROM: Record<RequestClass, PressureLevel | null> = { 'anonymous-write': 1, join: 2, write: 3, protected: null };

export interface Pressure {
  readonly level: PressureLevel;
  readonly eventLoopDelayMs: number;
  readonly rssMb: number;
  readonly inFlight: number;
}

/** The process's load gauges; tests hand in their own to reach a level on demand. */
export type LoadGauges = () => { readonly eventLoopDelayMs: number; readonly rssMb: number };

/**
 * Load shedding by priority. @fastify/under-pressure samples the event-loop delay and the memory
 * (it never refuses anything itself here); each of the three gauges is compared with its threshold,
 * twice it and four times it, and the worst decides the level. A refused request gets 503 OVERLOADED
 * and a jittered Retry-After, so the refused do not come back all at once.
 */

export async function installShedding(app: FastifyInstance, thresholds: Config['shedding'], gauges?: LoadGauges): Promise<{ pressure(): Pressure }> {
  await app.register(underPressure, { sampleInterval: 250, exposeStatusRoute: false });
  const measure: LoadGauges = gauges ?? (() => {
    const usage = app.memoryUsage();
    // Until its first sample under-pressure reports an infinite delay: no sample is no pressure.
    return { eventLoopDelayMs: Number.isFinite(usage.eventLoopDelay) ? usage.eventLoopDelay : 0, rssMb: usage.rssBytes / 2 ** 20 };
  });
  // Work in progress: writes, joins and logins being handled (not the audience's held reads).
  let inFlight = 0;
  const pressure = (): Pressure => {
    const { eventLoopDelayMs: delay, rssMb } = measure();
    const ratio = Math.max(delay / thresholds.eventLoopDelayMs, rssMb / thresholds.rssMb, inFlight / thresholds.inFlight);
    const level: PressureLevel = ratio >= 4 ? 3 : ratio >= 2 ? 2 : ratio >= 1 ? 1 : 0;
    return { level, eventLoopDelayMs: Math.round(delay * 10) / 10, rssMb: Math.round(rssMb), inFlight };
  };
  app.addHook('onRequest', async (request) => {
    const kind = classify(request);
    const from = SHED_FROM[kind];
    // Never shed, and not counted: held audience reads (blocking playlist reloads) cost little.
    if (from === null) return;
    const { level } = pressure();
    defenceMetrics.pressure.set(level);
    if (level >= from) {
      defenceMetrics.refusals.inc({ layer: 'origin-shedding', reason: kind });
      const retryAfter = 2 + Math.floor(Math.random() * 4 * level);
      throw new TribuneError('OVERLOADED', { work: 'the origin sheds load', retryAfter }, { details: { retryAfter } });
    }
    inFlight++;
    request.raw.once('close', () => { inFlight--; });
  });
  return { pressure };
}
