/**
 * Live captions, measured on recorded human speech with reference transcripts (Debian's
 * pocketsphinx-testdata: five LibriVox sentences, one reader):
 * - WER of PocketSphinx run directly on each file (the anchor) and through the whole Tribune path:
 *   WHIP publisher -> jitter buffer -> Opus decode -> mixer tap -> worker (48->16 kHz, voice
 *   activity) -> engine -> subtitles rendition, read back from the LL-HLS multivariant playlist's
 *   SUBTITLES rendition as an outside client (polling every 100 ms);
 * - caption latency: from the end of each word (its time on the mixer's clock, from the engine's word
 *   timings) to the first fetch of the WebVTT segment that carries it;
 * - captions worker time per second of speech (CPU per speaker);
 * - the mixer with captions on and off, same speech: its tick duration and how late ticks ran;
 * - server-added latency speaker -> program (bench/stage-latency.ts) with captions off and on,
 *   alternated, in this run.
 *
 *   npx tsx bench/captions-pipeline.ts [rounds=2]
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startTestServer, type TestServer } from '../test/helpers/control-server.js';
import { librivoxUtterances, pcm16k, pcm48k } from '../test/helpers/librivox.js';
import { CaptionReader, type SeenCue } from '../test/helpers/caption-reader.js';
import { publishWhip } from '../src/clients/index.js';
import { createPocketSphinxEngine } from '../src/captions/pocketsphinx-engine.js';
import { normaliseWords, wordErrorRate } from '../src/captions/word-error-rate.js';
import { captionMetrics } from '../src/captions/metrics.js';
import { Mixer } from '../src/stage/mixer.js';
import { stageMetrics } from '../src/stage/metrics.js';
import { median, percentile, round } from './lib/opus-tones.js';

const rounds = Number(process.argv[2] ?? 2);
const utterances = librivoxUtterances();
const reference = utterances.flatMap((u) => u.reference);
const GAP_S = 1.5;
const log = (s: string): void => { process.stderr.write(`${s}\n`); };

// ---- The anchor: the engine on each file, in this thread ----
const engine = createPocketSphinxEngine({});
let speechSeconds = 0;
let directCpuMs = 0;
const direct: string[] = [];
for (const u of utterances) {
  const pcm = pcm16k(u.wav);
  speechSeconds += pcm.length / 16_000;
  let text = '';
  const t0 = performance.now();
  const stream = engine.openStream({ language: 'en', onHypothesis: (h) => { if (h.final) text = h.text; } });
  for (let i = 0; i < pcm.length; i += 320) stream.push(pcm.subarray(i, i + 320));
  stream.endUtterance();
  directCpuMs += performance.now() - t0;
  stream.close();
  direct.push(text);
}
const directWer = wordErrorRate(reference, direct.flatMap(normaliseWords));
log(`direct: WER ${round(directWer.wer)} on ${reference.length} words, ${round(speechSeconds, 1)} s of speech`);

// ---- Instrumentation of the mixer (this process runs the server) ----
const tickMs: number[] = [];
const lateMs: number[] = [];
const tick = Mixer.prototype.tick;
Mixer.prototype.tick = function (this: Mixer, pts: number, wall: number): void {
  const t0 = performance.now();
  tick.call(this, pts, wall);
  tickMs.push(performance.now() - t0);
};
const observe = stageMetrics.tickLateness.observe.bind(stageMetrics.tickLateness);
stageMetrics.tickLateness.observe = ((v: number) => { lateMs.push(v * 1000); observe(v); }) as typeof stageMetrics.tickLateness.observe;

function speechSource(clips: Int16Array[]): { source: () => Int16Array; clipStarts: number[]; frames: number } {
  const gap = Math.round(GAP_S * 48_000);
  const starts: number[] = [];
  const all = new Int16Array(clips.reduce((n, c) => n + c.length + gap, gap));
  let at = gap;
  for (const c of clips) { starts.push(at); all.set(c, at); at += c.length + gap; }
  let pos = 0;
  return {
    clipStarts: starts,
    frames: Math.ceil(all.length / 960),
    source: () => {
      const frame = new Int16Array(960);
      if (pos < all.length) frame.set(all.subarray(pos, pos + 960));
      pos += 960;
      return frame;
    },
  };
}

async function sampleSum(metric: { get(): Promise<{ values: { value: number }[] }> }): Promise<number> {
  return (await metric.get()).values.reduce((n, v) => n + v.value, 0);
}

interface Run { wer: number; latencies: number[]; endpointLatencies: number[]; cues: number; workerMs: number; dropped: number; tickMs: number[]; lateMs: number[] }

async function runOnce(captions: boolean): Promise<Run> {
  const server: TestServer = await startTestServer({ server: { media: true }, overrides: { captions: { engine: captions ? 'pocketsphinx' : 'off' } } });
  try {
    const reg = await server.request('POST', '/api/v1/auth/register', { body: { handle: 'reader', password: 'correct horse battery', displayName: 'Reader' } });
    const token = reg.body.token as string;
    const id = (await server.request('POST', '/api/v1/spaces', { token, body: { title: 'bench', language: 'en' } })).body.id as string;
    await server.request('POST', `/api/v1/spaces/${id}/start`, { token });
    const cpuBefore = await sampleSum(captionMetrics.cpu);
    const droppedBefore = await sampleSum(captionMetrics.dropped);
    const { source, frames } = speechSource(utterances.map((u) => pcm48k(u.wav)));
    tickMs.length = 0;
    lateMs.length = 0;
    const publisher = await publishWhip({ url: `${server.url}/api/v1/spaces/${id}/whip`, bearer: token, source });
    const reader = new CaptionReader(`${server.url}/hls/${id}/`);
    // The cue endpoint too (what the listener page and WHEP listeners read): when each line appeared.
    const endpointSeen = new Map<string, number>();
    const endAt = Date.now() + frames * 20 + 5_000;
    while (Date.now() < endAt) {
      await reader.poll();
      const cues = await (await fetch(`${server.url}/hls/${id}/captions/cues.json`)).json() as { cues: { text: string }[] };
      for (const c of cues.cues) if (!endpointSeen.has(c.text)) endpointSeen.set(c.text, Date.now());
      await new Promise((r) => setTimeout(r, 100));
    }
    await publisher.close();
    const run: Run = {
      wer: wordErrorRate(reference, reader.cues.flatMap((c) => normaliseWords(c.text))).wer,
      latencies: captions ? wordLatencies(server, id, reader.cues) : [],
      endpointLatencies: captions ? wordLatencies(server, id, [...endpointSeen].map(([text, seenAt]) => ({ text, seenAt }))) : [],
      cues: reader.cues.length,
      workerMs: ((await sampleSum(captionMetrics.cpu)) - cpuBefore) * 1000,
      dropped: (await sampleSum(captionMetrics.dropped)) - droppedBefore,
      tickMs: [...tickMs],
      lateMs: [...lateMs],
    };
    await server.request('POST', `/api/v1/spaces/${id}/end`, { token });
    return run;
  } finally {
    await server.close();
  }
}

/** Each stored word's end (mixer clock) to the first fetch of the segment carrying its cue. */
function wordLatencies(server: TestServer, id: string, seen: readonly Pick<SeenCue, 'text' | 'seenAt'>[]): number[] {
  const stored = readFileSync(join(server.dataDir, 'media', id, 'captions.jsonl'), 'utf8').split('\n').filter(Boolean)
    .map((l) => JSON.parse(l) as { text?: string; words?: [string, number, number][] }).filter((c) => c.text);
  const out: number[] = [];
  for (const cue of stored) {
    const hit = seen.find((s) => s.text === cue.text);
    if (!hit) continue;
    for (const [, , end] of cue.words ?? []) out.push(hit.seenAt - end);
  }
  return out;
}

const on: Run[] = [];
const off: Run[] = [];
for (let r = 0; r < rounds; r++) {
  off.push(await runOnce(false));
  on.push(await runOnce(true));
  log(`round ${r + 1}: WER ${round(on.at(-1)!.wer)}, latency p50 ${round(median(on.at(-1)!.latencies))} ms, ticks ${round(median(on.at(-1)!.tickMs), 4)} vs ${round(median(off.at(-1)!.tickMs), 4)} ms`);
}
/** bench/stage-latency.ts in a child process (it owns its process: UDP port, exit), off then on, `pairs` times. */
function stageLatency(pairs: number): { off: number[]; on: number[] } {
  const out = { off: [] as number[], on: [] as number[] };
  for (let i = 0; i < pairs; i++) {
    for (const mode of ['off', 'on'] as const) {
      const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/stage-latency.ts', '5', '2', ...(mode === 'on' ? ['captions'] : [])], { encoding: 'utf8', timeout: 120_000 });
      const p50 = /p50 ([\d.]+) ms/.exec(r.stdout)?.[1];
      if (p50) out[mode].push(Number(p50));
      log(`stage-latency captions ${mode}: p50 ${p50 ?? '?'} ms`);
    }
  }
  return out;
}
const stage = stageLatency(rounds);

const all = <K extends keyof Run>(runs: Run[], k: K): number[] => runs.flatMap((x) => x[k] as number[]);
const latencies = all(on, 'latencies');
const result = {
  corpus: 'pocketsphinx-testdata librivox (5 sentences, 1 reader)',
  words: reference.length,
  speechSeconds: round(speechSeconds, 2),
  rounds,
  werDirect: round(directWer.wer),
  werPipeline: round(median(on.map((x) => x.wer))),
  werPipelineRuns: on.map((x) => round(x.wer)),
  werPointsAdded: round((median(on.map((x) => x.wer)) - directWer.wer) * 100, 1),
  captionLatencyMs: { p50: round(median(latencies), 0), p90: round(percentile(latencies, 90), 0), words: latencies.length },
  cueEndpointLatencyMs: { p50: round(median(all(on, 'endpointLatencies')), 0), p90: round(percentile(all(on, 'endpointLatencies'), 90), 0) },
  engineRealTimeFactorDirect: round(directCpuMs / 1000 / speechSeconds),
  workerCorePerSpeaker: round(median(on.map((x) => x.workerMs / 1000)) / ((on[0]!.tickMs.length * 20) / 1000)),
  workerSecondsPerSpeechSecond: round(median(on.map((x) => x.workerMs / 1000)) / speechSeconds),
  audioDroppedSeconds: on.reduce((n, x) => n + x.dropped, 0),
  serverAddedMs: {
    captionsOff: round(median(stage.off), 2),
    captionsOn: round(median(stage.on), 2),
    ratio: round(median(stage.on) / median(stage.off), 3),
    runsOff: stage.off,
    runsOn: stage.on,
  },
  mixer: {
    tickMsOn: { p50: round(median(all(on, 'tickMs')), 4), p99: round(percentile(all(on, 'tickMs'), 99), 4) },
    tickMsOff: { p50: round(median(all(off, 'tickMs')), 4), p99: round(percentile(all(off, 'tickMs'), 99), 4) },
    latenessMsOn: { p50: round(median(all(on, 'lateMs')), 3), p99: round(percentile(all(on, 'lateMs'), 99), 3) },
    latenessMsOff: { p50: round(median(all(off, 'lateMs')), 3), p99: round(percentile(all(off, 'lateMs'), 99), 3) },
  },
};
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(`WER ${result.werPipeline} through Tribune vs ${result.werDirect} direct (+${result.werPointsAdded} pts); caption latency p50 ${result.captionLatencyMs.p50} ms\n`);
process.exit(0);
