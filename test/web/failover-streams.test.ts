import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startEdge, type Edge } from '../../src/local-cluster/nginx-edge.js';
import { launchChromium, measureAudio } from '../helpers/browser.js';
import { until } from '../helpers/cluster-engines.js';
import { FailoverRig, TONE_HZ } from '../helpers/failover-rig.js';
import { originProcesses } from '../helpers/origin-processes.js';
import { requireProgram } from '../helpers/require-program.js';
import { startStreamCache, varnishdBinary, type StreamCache } from '../helpers/varnish-edge.js';
import { buildWeb } from '../helpers/web-build.js';

/**
 * Segment streams through the loss of a machine, in the real player: three `tribune serve` origins
 * with `audience.delivery: segment-streams` behind nginx with Varnish beside it, a WHIP speaker's tone,
 * and a listener page on LL-HLS in Chromium. kill -9 of the origin running the Space cuts the segment
 * it was streaming: the page's player must go to the network for what the stream did not bring, play
 * on, and stream again from the next origin's segments. Then SIGTERM of the next one (a drain to its
 * standby, which carries the same timeline on): the same.
 */

const available = requireProgram('chromium') && requireProgram('nginx') && varnishdBinary() !== undefined;
/** What the page's meter reads of the tone it plays (about 0.009 here), against nothing without it. */
const PLAYED = 0.003;
/** The page's audio may stand still this long across the kill (goal: a second; a shared machine adds). */
const MAX_STALL_MS = 3_000;

const cluster = originProcesses('fostreams');
let rig: FailoverRig | undefined;
let cache: StreamCache | undefined;
let edge: Edge | undefined;
let browser: Browser | undefined;

after(async () => {
  await browser?.close().catch(() => {});
  await rig?.close();
  await cache?.stop();
  await cluster.cleanup();
  setTimeout(() => process.exit(), 100).unref();
});

/** The listener page's audio position every 100 ms, with the wall clock, from now on. */
const RECORD_POSITION = `(() => {
  window.__positions = [];
  const a = document.querySelector('[data-testid=live-audio]');
  setInterval(() => window.__positions.push([Date.now(), a.currentTime]), 100);
})()`;

/** The longest time the position stood still within [from, to] (wall clock). */
async function longestStall(page: Page, from: number, to: number): Promise<number> {
  const positions = (await page.evaluate('window.__positions') as Array<[number, number]>).filter(([t]) => t >= from && t <= to);
  let longest = 0;
  let since = positions[0]?.[0] ?? from;
  for (let i = 1; i < positions.length; i++) {
    if (positions[i]![1] > positions[i - 1]![1]) since = positions[i]![0];
    else longest = Math.max(longest, positions[i]![0] - since);
  }
  return longest;
}

test('kill -9, then a drain, of the origin streaming a segment: the page plays on, and streams again from the next origin', { skip: !available, timeout: 240_000 }, async () => {
  await buildWeb();
  const origins = await Promise.all(['fs1', 'fs2', 'fs3'].map((id) => cluster.start(id, { TRIBUNE_AUDIENCE_DELIVERY: 'segment-streams' })));
  const hosts = origins.map((o) => new URL(o.url).host);
  cache = await startStreamCache(hosts);
  edge = await startEdge(hosts, { streamCache: `127.0.0.1:${cache.port}` });
  const site = `http://127.0.0.1:${edge.port}`;
  const nginx = edge;
  rig = await FailoverRig.start(origins, cluster.makeAdmin, { url: site, close: () => nginx.stop() });
  const placed = await rig.standbyReady();
  assert.ok(placed, `a standby packages the programme: ${JSON.stringify(rig.view)}`);

  browser = await launchChromium('/dev/null');
  const page = await (await browser.newContext({ locale: 'en-GB' })).newPage();
  const requests: Array<{ at: number; path: string }> = [];
  page.on('request', (r) => { const path = new URL(r.url()).pathname; if (path.includes('/hls/')) requests.push({ at: Date.now(), path }); });
  await page.goto(`${site}/s/${rig.spaceId}`);
  await page.getByRole('button', { name: 'Listen live' }).click();
  await page.locator('[data-status="playing"][data-via="hls"]').waitFor({ timeout: 30_000 });
  await page.evaluate(RECORD_POSITION);
  assert.ok(await until(async () => (await measureAudio(page, '[data-testid=live-audio]', [TONE_HZ], 1_000)).tones[String(TONE_HZ)]! > PLAYED, 20_000, 0), 'the tone is heard before the kill');
  // Streaming: two segments asked for, and parts only while starting (behind the live edge, complete).
  const segments = () => requests.filter((r) => r.path.includes('/seg-'));
  assert.ok(await until(() => segments().length >= 2, 15_000, 50), `the page streams segments: ${requests.map((r) => r.path.split('/').pop()).join(' ')}`);
  assert.ok(!requests.some((r) => r.path.includes('/part-') && r.at > segments()[1]!.at), `no part once streaming: ${requests.map((r) => r.path.split('/').pop()).join(' ')}`);

  const killedAt = Date.now();
  const cost = await rig.fail([placed.primary], 'SIGKILL', (o) => o === placed.standby);
  console.log(`kill -9 with segment streams: the lease moved after ${cost.tookOverMs} ms, the speaker was back after ${cost.speakerBackMs} ms`);
  // Five more seconds of listening: the page plays on and goes back to streams.
  await new Promise((r) => setTimeout(r, 5_000));
  const stall = await longestStall(page, killedAt - 1_000, Date.now());
  const after = requests.filter((r) => r.at > killedAt);
  console.log(`the page's audio stood still at most ${stall} ms; around the kill it asked ${requests.filter((r) => r.at > killedAt - 2_500).map((r) => `${r.at - killedAt} ms ${r.path.split('/').pop()}`).join(', ')}`);
  assert.ok(stall <= MAX_STALL_MS, `the page's audio stood still ${stall} ms across the kill`);
  const lastSecond = after.filter((r) => r.at > Date.now() - 3_000);
  assert.ok(lastSecond.some((r) => r.path.includes('/seg-')) && !lastSecond.some((r) => r.path.includes('/part-')), 'streams again, from the next origin');
  const heard = (await measureAudio(page, '[data-testid=live-audio]', [TONE_HZ], 1_500)).tones[String(TONE_HZ)]!;
  assert.ok(heard > PLAYED, `the tone is heard after the kill (${heard})`);

  // Then a drain of the next one: its standby carries the timeline on, the segment being streamed is
  // cut (never ended short), and the page goes on the same way.
  const next = await rig.standbyReady();
  assert.ok(next && next.primary === placed.standby, `a new standby: ${JSON.stringify(rig.view)}`);
  const drainedAt = Date.now();
  await rig.fail([next.primary], 'SIGTERM', (o) => o === next.standby);
  await new Promise((r) => setTimeout(r, 5_000));
  const drainStall = await longestStall(page, drainedAt - 1_000, Date.now());
  console.log(`drain: the page's audio stood still at most ${drainStall} ms; around it the page asked ${requests.filter((r) => r.at > drainedAt - 2_500).map((r) => `${r.at - drainedAt} ms ${r.path.split('/').pop()}`).join(', ')}`);
  assert.ok(drainStall <= MAX_STALL_MS, `the page's audio stood still ${drainStall} ms across the drain`);
  const settled = requests.filter((r) => r.at > Date.now() - 3_000);
  assert.ok(settled.some((r) => r.path.includes('/seg-')) && !settled.some((r) => r.path.includes('/part-')), 'streams again after the drain');
  const heardAfterDrain = (await measureAudio(page, '[data-testid=live-audio]', [TONE_HZ], 1_500)).tones[String(TONE_HZ)]!;
  assert.ok(heardAfterDrain > PLAYED, `the tone is heard after the drain (${heardAfterDrain})`);
});
