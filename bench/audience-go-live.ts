/**
 * Benchmark: go live -> first audio decoded at a listener already waiting for the Space.
 * The listener does what the web page does: it polls the multivariant playlist (every --poll ms)
 * while the Space has not started (the origin answers 404, or holds the request once the programme
 * has begun until the first segment exists); then it reads the media playlist, loads the first part
 * listed, demuxes the fMP4 and decodes the first Opus packet. Measured directly against the origin
 * and through the nginx edge (deploy/nginx/edge.conf; a not-ready 404 is cached 1 s there).
 *
 *   npx tsx bench/audience-go-live.ts [--runs 10] [--poll 100]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { createAudience } from '../src/audience/index.js';
import { opusPackets } from './lib/cmaf.js';
import { buildAudienceApp } from '../test/helpers/audience-app.js';
import { encodeProgram, pushRealtime, speechPcm } from '../test/helpers/speech-program.js';
import { startEdge, type Edge } from '../test/helpers/nginx-edge.js';
import { requireProgram } from '../test/helpers/require-program.js';

const require = createRequire(import.meta.url);
const { OpusEncoder } = require('@discordjs/opus') as { OpusEncoder: new (r: number, c: number) => { decode(b: Buffer): Buffer } };

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const RUNS = arg('runs', 10);
const POLL_MS = arg('poll', 100);

async function waitingListener(base: string, stop: AbortSignal): Promise<number> {
  const decoder = new OpusEncoder(48_000, 1);
  for (;;) {
    if (stop.aborted) return NaN;
    const multivariant = await fetch(`${base}/index.m3u8`);
    await multivariant.arrayBuffer();
    const r = multivariant.ok ? await fetch(`${base}/audio.m3u8`) : undefined;
    const text = r ? await r.text() : '';
    const part = /URI="(part-[\d.]+\.m4s)"/.exec(text)?.[1];
    if (r?.ok && part) {
      const media = Buffer.from(await (await fetch(`${base}/${part}`)).arrayBuffer());
      const pcm = decoder.decode(opusPackets(media)[0]!);
      if (pcm.length > 0) return performance.now();
    }
    await new Promise((res) => setTimeout(res, POLL_MS));
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p90 = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)]!;

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tribune-bench-golive-'));
  const audience = createAudience({ dataDir });
  const app = await buildAudienceApp(audience);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const origin = `127.0.0.1:${(app.server.address() as { port: number }).port}`;
  let edge: Edge | undefined;
  if (requireProgram('nginx')) edge = await startEdge({ primary: origin });
  const frames = encodeProgram(speechPcm('Good evening, we are live.')).slice(0, 100);
  const results: Record<string, number[]> = { origin: [], edge: [] };
  try {
    for (let run = 0; run < RUNS; run++) {
      for (const via of edge ? ['origin', 'edge'] : ['origin']) {
        const spaceId = `golive-${via}-${run}`;
        const host = via === 'edge' ? `127.0.0.1:${edge!.port}` : origin;
        const stop = new AbortController();
        const listener = waitingListener(`http://${host}/hls/${spaceId}`, stop.signal);
        // The listener has been waiting a while (and, via the edge, the 404 is in the cache).
        await new Promise((res) => setTimeout(res, 300 + Math.random() * 700));
        const sink = audience.begin(spaceId);
        const t0 = performance.now();
        const pushing = pushRealtime(sink, frames);
        const t1 = await listener;
        stop.abort();
        await pushing;
        sink.end();
        results[via]!.push(t1 - t0);
      }
    }
  } finally {
    await edge?.stop();
    await app.close();
    await audience.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const summary = Object.fromEntries(Object.entries(results).filter(([, v]) => v.length > 0).map(([k, v]) => [k, {
    runs: v.length, medianMs: Math.round(median(v)), p90Ms: Math.round(p90(v)), minMs: Math.round(Math.min(...v)), maxMs: Math.round(Math.max(...v)),
  }]));
  const { startupParts, startupPartMs } = audience.options;
  const result = { bench: 'audience-go-live', pollMs: POLL_MS, firstSegmentMs: startupParts * startupPartMs, target: '<= 2000 ms', ...summary };
  console.log(JSON.stringify(result, null, 2));
  const e = summary.edge as { medianMs: number; p90Ms: number } | undefined;
  const o = summary.origin as { medianMs: number; p90Ms: number };
  console.log(`audience-go-live: first frame -> first audio decoded: origin p50 ${o.medianMs} ms (p90 ${o.p90Ms}), `
    + (e ? `via nginx edge p50 ${e.medianMs} ms (p90 ${e.p90Ms})` : 'edge not measured (nginx missing)') + `; listener polling every ${POLL_MS} ms; target <= 2000 ms`);
}

await main();
