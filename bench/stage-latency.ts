/**
 * Server-added latency, speaker -> program: a libdatachannel publisher sends Opus RTP over WHIP
 * (silence with a 1 kHz burst every 500 ms); a WHEP listener receives the program. For each burst,
 * latency = (arrival of the program packet + onset offset in it) - (send of the speaker packet +
 * onset offset in it). It includes the jitter buffer wait (phase against the 20 ms mixer tick), the
 * mix, the Opus re-encode look-ahead, SRTP both ways and loopback UDP.
 *
 *   npx tsx bench/stage-latency.ts [seconds-per-run=10] [runs=6] [captions]
 *
 * With `captions`, the speaker is also transcribed (the mixer's seat tap feeds the captions worker),
 * so the two runs tell what captions cost the stage.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import Fastify from 'fastify';
import opus from '@discordjs/opus';
import ndc from 'node-datachannel';
import { createStageMedia, stageRoutes } from '../src/stage/index.js';
import { stageMediaDefaults } from '../test/helpers/stage-app.js';
import { createCaptions } from '../src/captions/index.js';
import type { ListenGrant, StageAuthority, StageSeat } from '../src/media/types.js';
import { writeRtp } from '../src/stage/rtp.js';
import { NdcPeer } from './lib/ndc-peers.js';
import { median, percentile, round } from './lib/opus-tones.js';

const seconds = Number(process.argv[2] ?? 10);
/** Each run is a new publisher, so a new phase between its packets and the mixer's 20 ms tick. */
const runs = Number(process.argv[3] ?? 6);
const SPACE = 'bench';
const seat: StageSeat = { spaceId: SPACE, participantId: 'speaker', displayName: 'speaker', role: 'speaker', muted: false };
const authority: StageAuthority = {
  authorizePublish: async () => seat,
  authorizeListen: async (): Promise<ListenGrant> => ({ kind: 'program' }),
};

const media = createStageMedia({ ...stageMediaDefaults(), udpPort: 0, bindAddress: '127.0.0.1', maxSessions: 10 });
const app = Fastify();
await app.register(async (scope) => stageRoutes(scope, { media, authority }));
await app.ready();
media.openSpace(SPACE, { push: () => {}, end: () => {} });
const captions = process.argv[4] === 'captions' ? createCaptions() : undefined;
if (captions) {
  await captions.ready;
  media.tapSeats(SPACE, captions.startSpace({ spaceId: SPACE, language: 'en', sink: { push: () => {} }, nameOf: () => 'speaker' }));
}
const exchange = (kind: 'whip' | 'whep') => async (offer: string): Promise<string> => {
  const res = await app.inject({ method: 'POST', url: `/api/v1/spaces/${SPACE}/${kind}`, payload: offer, headers: { 'content-type': 'application/sdp', authorization: 'Bearer x' } });
  if (res.statusCode !== 201) throw new Error(`${kind}: ${res.statusCode} ${res.body}`);
  return res.body;
};

// The speaker's audio: 25 frames per cycle, a 100 ms burst at frames 0..4, silence otherwise.
const encoder = new opus.OpusEncoder(48_000, 1);
const THRESHOLD = 1500;
function frameAt(f: number): { opus: Buffer; onset: number } {
  const pcm = Buffer.alloc(1920);
  const loud = f % 25 < 5;
  for (let i = 0; i < 960; i++) pcm.writeInt16LE(loud ? Math.round(8000 * Math.sin((2 * Math.PI * 1000 * (f * 960 + i)) / 48_000)) : 0, i * 2);
  return { opus: encoder.encode(pcm), onset: -1 };
}
// Find each input burst's onset in the speaker's own decoded signal (the codec delays it a little).
const cycle = Array.from({ length: 25 * 4 }, (_, f) => frameAt(f));
const inputDecoder = new opus.OpusEncoder(48_000, 1);
for (const frame of cycle) frame.onset = onsetIn(inputDecoder.decode(frame.opus));

function onsetIn(pcm: Buffer): number {
  for (let i = 0; i < pcm.length / 2; i++) if (Math.abs(pcm.readInt16LE(i * 2)) > THRESHOLD) return i;
  return -1;
}

const listener = new NdcPeer('recv', 'listener');
const outputDecoder = new opus.OpusEncoder(48_000, 1);
let quietFrames = 0;
const outputOnsets: number[] = [];
listener.onRtp((packet) => {
  const now = performance.now();
  try {
    const onset = onsetIn(outputDecoder.decode(packet.subarray(12)));
    if (onset >= 0 && quietFrames >= 10) outputOnsets.push(now + onset / 48);
    quietFrames = onset >= 0 ? 0 : quietFrames + 1;
  } catch { /* not Opus */ }
});
await listener.connect(exchange('whep'));
const inputOnsets: number[] = [];
const loopDelay = monitorEventLoopDelay({ resolution: 5 });
loopDelay.enable();
for (let run = 0; run < runs; run++) {
  await new Promise((resolve) => setTimeout(resolve, Math.random() * 20));
  const speaker = new NdcPeer('send', `speaker-${run}`);
  let location = '';
  await speaker.connect(async (offer) => {
    const res = await app.inject({ method: 'POST', url: `/api/v1/spaces/${SPACE}/whip`, payload: offer, headers: { 'content-type': 'application/sdp', authorization: 'Bearer x' } });
    if (res.statusCode !== 201) throw new Error(`whip: ${res.statusCode} ${res.body}`);
    location = String(res.headers['location']);
    return res.body;
  });
  let previousLoud = false;
  const start = performance.now();
  let sent = 0;
  const total = seconds * 50;
  await new Promise<void>((resolve) => {
    const pump = (): void => {
      const due = Math.min(total, Math.floor((performance.now() - start) / 20) + 1);
      while (sent < due) {
        const frame = cycle[sent % cycle.length]!;
        speaker.track.sendMessageBinary(writeRtp(111, sent, sent * 960, speaker.ssrc, frame.opus));
        const loud = frame.onset >= 0;
        if (loud && !previousLoud) inputOnsets.push(performance.now() + frame.onset / 48);
        previousLoud = loud;
        sent += 1;
      }
      if (sent >= total) setTimeout(resolve, 500);
      else setTimeout(pump, Math.max(0, start + sent * 20 - performance.now()));
    };
    pump();
  });
  await app.inject({ method: 'DELETE', url: location });
  speaker.close();
}

// Pair each input onset with the first output onset after it (within 500 ms).
const latencies: number[] = [];
for (const t of inputOnsets) {
  const out = outputOnsets.find((o) => o >= t - 5 && o < t + 500);
  if (out !== undefined) latencies.push(out - t);
}
if (process.env.DEBUG) console.error(latencies.map((l) => l.toFixed(1)).join(' '));
listener.close();
await captions?.close();
await media.close();
await app.close();

const result = {
  bench: 'stage-latency',
  captions: captions !== undefined,
  seconds,
  runs,
  bursts: inputOnsets.length,
  matched: latencies.length,
  serverAddedMs: {
    p50: round(median(latencies), 2),
    p90: round(percentile(latencies, 90), 2),
    p99: round(percentile(latencies, 99), 2),
    min: round(Math.min(...latencies), 2),
    max: round(Math.max(...latencies), 2),
  },
  eventLoopDelayMs: { p99: round(loopDelay.percentile(99) / 1e6, 2), max: round(loopDelay.max / 1e6, 2) },
  includes: ['jitter-buffer wait against the 20 ms tick', 'mix + limiter', 'Opus re-encode look-ahead', 'SRTP in and out', 'loopback UDP'],
};
console.log(JSON.stringify(result, null, 2));
console.log(`stage-latency: speaker RTP in -> program RTP out p50 ${result.serverAddedMs.p50} ms, p99 ${result.serverAddedMs.p99} ms (${latencies.length} bursts)`);
setTimeout(() => { ndc.cleanup(); process.exit(0); }, 200);
