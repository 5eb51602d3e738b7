/**
 * Benchmark: glass-to-glass latency over LL-HLS. A speaker publishes over WHIP (node-datachannel,
 * libopus) a 1 kHz beep of 100 ms every 1.5 s, noting when each beep's first frame leaves it; the
 * whole origin mixes, encodes and packages it; a player-like client follows the live edge by asking
 * for each next part as its preload hint (the origin answers when the part is complete), demuxes
 * and decodes it, and notes when each beep's onset arrives.
 *
 * Two figures: `delivery` (beep out of the speaker -> its part decoded at the client: what a player
 * at the very live edge could play) and `playback` (delivery + PART-HOLD-BACK, where a conforming
 * player holds its playhead: RFC 8216bis §4.4.3.8). Medians over the run, p95 beside them.
 *
 *   npx tsx bench/audience-glass-to-glass.ts [--seconds 30]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { publishWhip } from '../src/clients/index.js';
import { loadConfig } from '../src/config/load.js';
import { startServer } from '../src/server.js';
import { opusPackets } from './lib/cmaf.js';

const require = createRequire(import.meta.url);
const { OpusEncoder } = require('@discordjs/opus') as { OpusEncoder: new (r: number, c: number) => { decode(b: Buffer): Buffer } };

const secondsArg = process.argv.indexOf('--seconds');
const SECONDS = secondsArg > 0 ? Number(process.argv[secondsArg + 1]) : 30;
// 1.54 s: longer than any latency we expect (onsets match their beep unambiguously), and prime to the
// 10 frames of a part, so onsets sweep every position in a part instead of always landing on one.
const BEEP_EVERY_FRAMES = 77;
const BEEP_FRAMES = 5;
const ONSET_RMS = 0.05;

const quantile = (xs: number[], q: number): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? NaN;
};

function rms(pcm: Buffer): number {
  let sum = 0;
  const n = pcm.length / 2;
  for (let i = 0; i < n; i++) { const v = pcm.readInt16LE(i * 2) / 32768; sum += v * v; }
  return Math.sqrt(sum / Math.max(1, n));
}

async function json(url: string, init: { method?: string; token?: string; body?: unknown } = {}): Promise<any> {
  const headers: Record<string, string> = {};
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, { method: init.method ?? 'GET', headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
  return res.json();
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tribune-bench-g2g-'));
  const config = loadConfig({ overrides: { host: '127.0.0.1', port: 0, dataDir, logLevel: 'silent', stage: { udpPort: 0, bindAddress: '127.0.0.1' } } });
  const server = await startServer(config, { media: true });
  const emitted: number[] = [];
  const arrivals: number[] = [];
  try {
    const host = await json(`${server.url}/api/v1/auth/register`, { method: 'POST', body: { handle: 'g2g_host', password: 'glass to glass' } });
    const space = await json(`${server.url}/api/v1/spaces`, { method: 'POST', token: host.token, body: { title: 'latency' } });
    await json(`${server.url}/api/v1/spaces/${space.id}/start`, { method: 'POST', token: host.token });

    let frame = 0;
    const source = (): Int16Array => {
      const out = new Int16Array(960);
      const inBeep = frame % BEEP_EVERY_FRAMES < BEEP_FRAMES;
      if (frame % BEEP_EVERY_FRAMES === 0) emitted.push(performance.now());
      if (inBeep) for (let i = 0; i < 960; i++) out[i] = Math.round(0.3 * 32767 * Math.sin((2 * Math.PI * 1000 * (frame * 960 + i)) / 48_000));
      frame++;
      return out;
    };
    const publisher = await publishWhip({ url: `${server.url}/api/v1/spaces/${space.id}/whip`, bearer: host.token, source });

    const base = `${server.url}/hls/${space.id}`;
    const partsPerSegment = config.audience.segmentTargetMs / config.audience.partTargetMs;
    // As a player starts: the multivariant playlist, which the origin holds until the first segment
    // exists (a 404 PLAYLIST_NOT_READY if that takes longer than a blocking reload may wait), then the
    // media playlist. Asking for the media playlist first fails before the first part exists.
    const ready = performance.now() + 20_000;
    while ((await fetch(`${base}/index.m3u8`).then(async (r) => { await r.arrayBuffer(); return r.status; })) !== 200) {
      if (performance.now() > ready) throw new Error('the stream never became playable');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const playlist = await (await fetch(`${base}/audio.m3u8`)).text();
    const hint = /PRELOAD-HINT:TYPE=PART,URI="part-(\d+)\.(\d+)\.m4s"/.exec(playlist);
    if (!hint) throw new Error(`no preload hint in the playlist:\n${playlist}`);
    const holdBackMs = Number(/PART-HOLD-BACK=([\d.]+)/.exec(playlist)?.[1] ?? 'NaN') * 1000;
    let msn = Number(hint[1]);
    let part = Number(hint[2]);
    const decoder = new OpusEncoder(48_000, 1);
    let quiet = true;
    const end = performance.now() + SECONDS * 1000;
    while (performance.now() < end) {
      const res = await fetch(`${base}/part-${msn}.${part}.m4s`);
      const received = performance.now();
      if (res.status !== 200) throw new Error(`part ${msn}.${part}: ${res.status}`);
      for (const packet of opusPackets(Buffer.from(await res.arrayBuffer()))) {
        const loud = rms(decoder.decode(packet)) > ONSET_RMS;
        if (loud && quiet) arrivals.push(received);
        quiet = !loud;
      }
      part++;
      if (part === partsPerSegment) { part = 0; msn++; }
    }
    await publisher.close();

    // Each onset belongs to the latest beep sent before it arrived (beeps are 1.5 s apart).
    const delivery = arrivals.map((t) => t - Math.max(...emitted.filter((e) => e <= t))).filter((d) => Number.isFinite(d) && d >= 0);
    const playback = delivery.map((d) => d + holdBackMs);
    const result = {
      bench: 'audience-glass-to-glass',
      seconds: SECONDS, beeps: emitted.length, detected: delivery.length,
      partTargetMs: config.audience.partTargetMs, partHoldBackMs: holdBackMs,
      deliveryMs: { p50: Math.round(quantile(delivery, 0.5)), p95: Math.round(quantile(delivery, 0.95)) },
      playbackMs: { p50: Math.round(quantile(playback, 0.5)), p95: Math.round(quantile(playback, 0.95)) },
      target: { playbackP50Ms: 1500 },
    };
    process.stdout.write(`glass-to-glass over LL-HLS: playback p50 ${result.playbackMs.p50} ms, p95 ${result.playbackMs.p95} ms `
      + `(delivery p50 ${result.deliveryMs.p50} ms + PART-HOLD-BACK ${holdBackMs} ms); ${delivery.length}/${emitted.length} beeps; target p50 <= 1500 ms\n`);
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), (err) => { process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`); process.exit(1); });
