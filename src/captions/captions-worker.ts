import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import type { AsrEngine, AsrEngineFactory, AsrStream } from './asr-engine.js';
import { createPocketSphinxEngine } from './pocketsphinx-engine.js';
import { Downsampler48to16 } from './resampler.js';
import { VAD_FRAME_SAMPLES, VoiceActivitySegmenter } from './voice-activity.js';
import type { FromWorker, ToWorker, WorkerInit } from './worker-protocol.js';

/**
 * The captions process: resampling, voice activity and recognition for every seat of this origin, so
 * none of it runs on the thread that clocks the mixer (see captions-worker-client.ts).
 */
const post = (m: FromWorker): void => { if (process.connected) process.send?.(m); };
// The origin went away: so do we.
process.on('disconnect', () => process.exit(0));

interface Seat {
  readonly resampler: Downsampler48to16;
  readonly vad: VoiceActivitySegmenter;
  readonly stream: AsrStream;
  /** 16 kHz samples waiting to fill a VAD frame, and the wall clock of the first. */
  pending: Int16Array;
  pendingWall: number;
  utteranceStart: number;
}

async function loadEngine(init: WorkerInit): Promise<AsrEngine> {
  if (!init.engineModule) return createPocketSphinxEngine(init.engineOptions);
  const mod = (await import(pathToFileURL(init.engineModule).href)) as { createEngine?: AsrEngineFactory; default?: AsrEngineFactory };
  const factory = mod.createEngine ?? mod.default;
  if (typeof factory !== 'function') throw new Error(`${init.engineModule} exports no createEngine`);
  return factory(init.engineOptions);
}

function openSeat(engine: AsrEngine, seat: string, language: string): Seat {
  const state = {} as Seat;
  const stream = engine.openStream({
    language,
    onHypothesis: (h) => {
      if (!h.final) {
        post({ type: 'partial', seat, utterance: h.utterance, text: h.text, start: state.utteranceStart });
        return;
      }
      const base = state.utteranceStart;
      post({
        type: 'final', seat, utterance: h.utterance, text: h.text,
        words: h.words.map((w) => ({ word: w.word, start: base + w.startMs, end: base + w.endMs })),
      });
    },
  });
  const vad = new VoiceActivitySegmenter({
    start: (wallClock) => { state.utteranceStart = wallClock; },
    audio: (pcm) => stream.push(pcm),
    end: () => stream.endUtterance(),
  });
  return Object.assign(state, { resampler: new Downsampler48to16(), vad, stream, pending: new Int16Array(0), pendingWall: 0, utteranceStart: 0 });
}

function feed(seat: Seat, pcm48: Float32Array, wallClock: number): void {
  const pcm = seat.resampler.process(pcm48);
  let buf: Int16Array;
  if (seat.pending.length > 0) {
    buf = new Int16Array(seat.pending.length + pcm.length);
    buf.set(seat.pending);
    buf.set(pcm, seat.pending.length);
  } else {
    buf = pcm;
    seat.pendingWall = wallClock;
  }
  let at = 0;
  for (; at + VAD_FRAME_SAMPLES <= buf.length; at += VAD_FRAME_SAMPLES) {
    seat.vad.frame(buf.slice(at, at + VAD_FRAME_SAMPLES), seat.pendingWall + (at / 16));
  }
  seat.pendingWall += at / 16;
  seat.pending = buf.slice(at);
}

async function main(): Promise<void> {
  let engine: AsrEngine;
  try {
    engine = await loadEngine(JSON.parse(process.env.TRIBUNE_CAPTIONS_INIT ?? '{}') as WorkerInit);
  } catch (err) {
    post({ type: 'fatal', message: (err as Error).message });
    return;
  }
  const seats = new Map<string, Seat>();
  process.on('message', (m: ToWorker) => {
    try {
      switch (m.type) {
        case 'supports':
          post({ type: 'supported', id: m.id, supported: engine.supports(m.language) });
          break;
        case 'open':
          if (!seats.has(m.seat)) seats.set(m.seat, openSeat(engine, m.seat, m.language));
          break;
        case 'audio': {
          const seat = seats.get(m.seat);
          const t0 = performance.now();
          if (seat) feed(seat, m.pcm, m.wallClock);
          post({ type: 'ack', seat: m.seat, samples: m.pcm.length, sentAt: m.sentAt, cpuMs: performance.now() - t0 });
          break;
        }
        case 'gap': {
          const seat = seats.get(m.seat);
          if (seat) {
            seat.pending = new Int16Array(0);
            seat.vad.gap();
          }
          break;
        }
        case 'close': {
          const seat = seats.get(m.seat);
          seats.delete(m.seat);
          if (seat) {
            seat.vad.gap();
            seat.stream.close();
          }
          break;
        }
      }
    } catch (err) {
      post({ type: 'error', seat: 'seat' in m ? m.seat : '', message: (err as Error).message });
    }
  });
  post({ type: 'ready', engine: engine.name });
}

void main();
