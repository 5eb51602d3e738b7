/**
 * Benchmark: glass-to-glass latency in the real player. A node WHIP speaker sends a 1 kHz beep of
 * 100 ms every 1.54 s and notes (wall clock) when each beep's first frame leaves it; the whole origin
 * mixes, encodes and packages; the listener page in Chromium plays the Space with its own hls.js over
 * LL-HLS (optionally through the shipped nginx edge), and a WebAudio analyser on the page's <audio>
 * element notes (same wall clock, same machine) when each beep's onset comes out of the player.
 * What it leaves out: the sound card's output buffer (headless Chromium has a fake one) and the
 * speaker's own capture buffer, a few tens of milliseconds each on real devices.
 *
 *   npx tsx bench/audience-glass-to-glass-browser.ts [--seconds 30] [--edge] [--part-ms 200] [--delivery segment-streams]
 *
 * Prints a JSON document (the last line on stdout) that scripts/bench.ts reads.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ndc from 'node-datachannel';
import { publishWhip } from '../src/clients/index.js';
import { loadConfig } from '../src/config/load.js';
import { startServer } from '../src/server.js';
import { launchChromium } from '../test/helpers/browser.js';
import { startEdge, type Edge } from '../test/helpers/nginx-edge.js';
import { startStreamCache, type StreamCache } from '../test/helpers/varnish-edge.js';
import { buildWeb } from '../test/helpers/web-build.js';
import { startLiveSpace } from './lib/live-space.js';

const argv = process.argv;
const opt = (name: string, fallback: string): string => { const i = argv.indexOf(`--${name}`); return i > 0 ? argv[i + 1]! : fallback; };
const SECONDS = Number(opt('seconds', '30'));
const THROUGH_EDGE = argv.includes('--edge');
/** Another part duration than the default, to see what it costs (PART-HOLD-BACK follows it). */
const PART_MS = argv.includes('--part-ms') ? Number(opt('part-ms', '400')) : undefined;
const DELIVERY = opt('delivery', 'parts') as 'parts' | 'segment-streams';
if (DELIVERY !== 'parts' && DELIVERY !== 'segment-streams') throw new Error('--delivery is parts or segment-streams');
const BEEP_EVERY_FRAMES = 77;
const BEEP_FRAMES = 5;

const quantile = (xs: number[], q: number): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? NaN;
};

/**
 * Runs in the page: an analyser on the element, read every 5 ms; an onset is the first read above
 * the threshold after a quiet one. Plain JS (the node-side tsconfig has no DOM types).
 */
const ONSET_DETECTOR = `(() => {
  const el = document.querySelector('[data-testid=live-audio]');
  const ctx = new AudioContext({ sampleRate: 48000 });
  const analyser = ctx.createAnalyser();
  analyser.fftSize = 256;
  ctx.createMediaElementSource(el).connect(analyser);
  analyser.connect(ctx.destination);
  void ctx.resume();
  const buf = new Float32Array(analyser.fftSize);
  window.__onsets = [];
  window.__stalls = 0;
  window.__ahead = [];
  // A seek (the page's start-up jump to its target latency) also fires 'waiting': not a stall.
  let seeking = false;
  el.addEventListener('seeking', () => { seeking = true; });
  el.addEventListener('seeked', () => { seeking = false; });
  el.addEventListener('waiting', () => { if (!seeking && !el.seeking) window.__stalls++; });
  let quiet = true;
  setInterval(() => {
    if (el.buffered.length) window.__ahead.push(el.buffered.end(el.buffered.length - 1) - el.currentTime);
  }, 100);
  setInterval(() => {
    analyser.getFloatTimeDomainData(buf);
    let sum = 0;
    for (const v of buf) sum += v * v;
    const loud = Math.sqrt(sum / buf.length) > 0.05;
    if (loud && quiet) window.__onsets.push(Date.now());
    quiet = !loud;
  }, 5);
})()`;

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tribune-bench-g2g-browser-'));
  const config = loadConfig({ overrides: { host: '127.0.0.1', port: 0, dataDir, logLevel: 'silent', stage: { udpPort: 0, bindAddress: '127.0.0.1' }, audience: { delivery: DELIVERY, ...(PART_MS ? { partTargetMs: PART_MS } : {}) } } });
  await buildWeb();
  const server = await startServer(config, { media: true });
  let edge: Edge | undefined;
  let cache: StreamCache | undefined;
  const browser = await launchChromium('/dev/null');
  const emitted: number[] = [];
  try {
    const origin = server.url.replace(/^http:\/\//, '');
    // Segment streams through the edge need its streaming cache beside nginx (docs/edge.md).
    if (THROUGH_EDGE && DELIVERY === 'segment-streams') cache = await startStreamCache([origin]);
    if (THROUGH_EDGE) edge = await startEdge({ primary: origin }, cache ? { streamCache: `127.0.0.1:${cache.port}` } : {});
    const base = edge ? `http://127.0.0.1:${edge.port}` : server.url;
    const { token, spaceId } = await startLiveSpace(server.url, 'g2g_browser_host', 'Latency in the browser');
    let frame = 0;
    const publisher = await publishWhip({
      url: `${server.url}/api/v1/spaces/${spaceId}/whip`, bearer: token,
      source: () => {
        const out = new Int16Array(960);
        if (frame % BEEP_EVERY_FRAMES === 0) emitted.push(Date.now());
        if (frame % BEEP_EVERY_FRAMES < BEEP_FRAMES) {
          for (let i = 0; i < 960; i++) out[i] = Math.round(0.3 * 32767 * Math.sin((2 * Math.PI * 1000 * (frame * 960 + i)) / 48_000));
        }
        frame++;
        return out;
      },
    });
    const page = await (await browser.newContext({ locale: 'en-GB' })).newPage();
    await page.goto(`${base}/s/${spaceId}`);
    await page.getByRole('button', { name: 'Listen live' }).click();
    await page.getByText('Playing (standard stream)').waitFor({ timeout: 20_000 });
    await page.evaluate(ONSET_DETECTOR);
    const from = Date.now();
    // What the real player asks for while it plays, by kind (a segment stream counts when it ends).
    const asked = new Map<string, { requests: number; bytes: number }>();
    page.on('requestfinished', (request) => {
      const path = new URL(request.url()).pathname;
      const kind = /\.m3u8$/.test(path) ? 'playlist' : /\/part-/.test(path) ? 'part' : /\/seg-/.test(path) ? 'segment' : /\/state$/.test(path) ? 'state' : 'other';
      const row = asked.get(kind) ?? { requests: 0, bytes: 0 };
      asked.set(kind, row);
      row.requests++;
      void request.sizes().then((s) => { row.bytes += s.responseBodySize + s.responseHeadersSize; }, () => {});
    });
    await page.waitForTimeout(SECONDS * 1000);
    const onsets = (await page.evaluate('window.__onsets') as number[]).filter((t) => t >= from);
    const stalls = await page.evaluate('window.__stalls') as number;
    const ahead = await page.evaluate('window.__ahead') as number[];
    await publisher.close();

    // Each onset belongs to the latest beep sent before it (beeps are 1.54 s apart, longer than the latency).
    const delays = onsets.map((t) => t - Math.max(...emitted.filter((e) => e <= t))).filter((d) => Number.isFinite(d) && d >= 0);
    const result = {
      bench: 'audience-glass-to-glass-browser',
      seconds: SECONDS, throughEdge: THROUGH_EDGE, beeps: emitted.filter((e) => e >= from).length, heard: delays.length,
      partTargetMs: config.audience.partTargetMs,
      glassToGlassMs: { p50: Math.round(quantile(delays, 0.5)), p95: Math.round(quantile(delays, 0.95)), min: Math.round(Math.min(...delays)) },
      // How much audio the player holds ahead of its playhead, and how often it ran dry.
      bufferAheadMs: { p50: Math.round(quantile(ahead, 0.5) * 1000), min: Math.round(Math.min(...ahead) * 1000) },
      stalls,
      delivery: DELIVERY,
      // Per second of listening, as Chromium counts them (body as received, headers as HTTP/1.1 text).
      perSecond: Object.fromEntries([...asked].map(([k, v]) => [k, { requests: +(v.requests / SECONDS).toFixed(2), bytes: Math.round(v.bytes / SECONDS) }])),
      target: { p50Ms: 1000 },
    };
    process.stdout.write(`glass to glass in Chromium with hls.js${THROUGH_EDGE ? ' through the edge' : ''}: p50 ${result.glassToGlassMs.p50} ms, `
      + `p95 ${result.glassToGlassMs.p95} ms (${delays.length} beeps heard of ${result.beeps}); target p50 <= 1000 ms\n`);
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await browser.close();
    await edge?.stop();
    await cache?.stop();
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(() => { ndc.cleanup(); process.exit(0); }, (err) => { process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`); process.exit(1); });
