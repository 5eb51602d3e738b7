import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { after, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { hostGoesLive, launchChromium, measureAudio, RECORD_AIR, toneWav } from '../helpers/browser.js';
import { until } from '../helpers/cluster-engines.js';
import { parsePlaylist } from '../helpers/hls-playlist.js';
import { LlHlsFollower, servedToneGapMs } from '../helpers/ll-hls-follower.js';
import { startEdge, type Edge } from '../../src/local-cluster/nginx-edge.js';
import { call, originProcesses, type Origin } from '../helpers/origin-processes.js';
import { requireProgram } from '../helpers/require-program.js';
import { buildWeb } from '../helpers/web-build.js';

/**
 * Failovers in the real client: three `tribune serve` origins (PostgreSQL, Redis) behind the shipped
 * nginx edge, the studio and a speaker view on air in Chromium (each browser's fake microphone a tone
 * of its own), a listener page on WHEP, and a node LL-HLS listener at the live edge.
 * - SIGTERM of the origin running the Space hands it to its standby, and the pages move before the old
 *   origin lets them go: neither view ever says "Reconnecting…", the listener page keeps playing, the
 *   speaker still hears the host (the mix-minus moved with the microphone), and the stream has both
 *   voices in every frame.
 * - Then kill -9 of the next one: the views come back on air by themselves, the listener page plays
 *   on, and the stream misses at most a second of either voice.
 */

const available = requireProgram('chromium') && requireProgram('nginx');
const HOST_HZ = 1000;
const SPEAKER_HZ = 1500;
/**
 * Each voice in the mix reads about 0.05 here (the browser's gain control and the mixer's limiter
 * decide), silence under 0.001: a frame with the voice reads above this.
 */
const HEARD = 0.01;
/** What a page's meter reads of a voice it plays (about 0.009 here), against nothing for one it does not. */
const PLAYED = 0.003;
/**
 * What a drain may cost the voice here: 0–40 ms (the seam between two encoders) when the machine is
 * quiet, up to 140 ms seen with another browser suite beside it. Breaking before making cost 700 ms
 * and more; the node chaos test holds the 40 ms line.
 */
const SEAM_MS = 250;
/**
 * A kill's goal is at most a second of audio missing (bench/failover.ts reports it). A test on a shared
 * machine holds the line a cold move cannot reach (its lease alone is 5 s), and prints the figure.
 */
const KILL_GAP_MS = 3_000;

const cluster = originProcesses('drainweb');
const dir = mkdtempSync(join(tmpdir(), 'tribune-drain-web-'));
const browsers: Browser[] = [];
let edge: Edge | undefined;
let follower: LlHlsFollower | undefined;

after(async () => {
  await follower?.stop();
  for (const b of browsers) await b.close().catch(() => {});
  await edge?.stop();
  await cluster.cleanup();
  rmSync(dir, { recursive: true, force: true });
  setTimeout(() => process.exit(), 100).unref();
});

async function withMicrophone(hz: number, locale: string): Promise<BrowserContext> {
  const wav = join(dir, `${hz}.wav`);
  toneWav(wav, hz);
  const browser = await launchChromium(wav);
  browsers.push(browser);
  const context = await browser.newContext({ locale });
  await context.grantPermissions(['microphone']);
  context.setDefaultTimeout(30_000);
  return context;
}

/** Every value the listener page's player status took (data-status/data-via), from the first paint on. */
const RECORD_STATUS = `(() => {
  window.__status = [];
  const seen = () => {
    const el = document.querySelector('[data-status]');
    const v = el && el.getAttribute('data-status') + '/' + el.getAttribute('data-via');
    if (v && window.__status[window.__status.length - 1] !== v) window.__status.push(v);
  };
  new MutationObserver(seen).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status', 'data-via'] });
})()`;

const tone = async (page: Page, selector: string, hz: number): Promise<number> => (await measureAudio(page, selector, [hz], 1_500)).tones[String(hz)]!;

test('SIGTERM of the origin running a Space: the studio, the speaker view and a WHEP listener page move without a gap; kill -9 of the next: they come back by themselves', { skip: !available, timeout: 240_000 }, async () => {
  await buildWeb();
  const origins = await Promise.all(['dw1', 'dw2', 'dw3'].map((id) => cluster.start(id)));
  edge = await startEdge(origins.map((o) => new URL(o.url).host));
  const site = `http://127.0.0.1:${edge.port}`;

  // The host, through the pages: an account, a Space, the studio on air.
  const studio = await (await withMicrophone(HOST_HZ, 'en-GB')).newPage();
  await studio.addInitScript(RECORD_AIR('on-air'));
  const spaceId = await hostGoesLive(studio, site, 'host_drain', 'Passe la main');
  const host = (await call({ url: site }, 'POST', '/api/v1/auth/login', { body: { handle: 'host_drain', password: 'correct horse battery' } })).body;
  await cluster.makeAdmin(host.user.id);
  const invite = (await call({ url: site }, 'POST', `/api/v1/spaces/${spaceId}/stage-tokens`, { token: host.token, body: { role: 'speaker' } })).body;

  const speaker = await (await withMicrophone(SPEAKER_HZ, 'fr-FR')).newPage();
  await speaker.addInitScript(RECORD_AIR('speaker-air'));
  await speaker.goto(`${site}/s/${spaceId}/join#${invite.token}`);
  await speaker.getByRole('button', { name: 'Autoriser et tester mon micro' }).click();
  await speaker.getByLabel('Votre nom sur scène').fill('Bruno');
  await speaker.getByRole('button', { name: 'Rejoindre la scène' }).click();
  await speaker.locator('[data-testid="speaker-air"][data-air="on-air"]').waitFor();

  const listener = await (await browsers[0]!.newContext({ locale: 'en-GB' })).newPage();
  await listener.addInitScript(RECORD_STATUS);
  await listener.goto(`${site}/s/${spaceId}?via=whep`);
  await listener.getByRole('button', { name: 'Listen live' }).click();
  await listener.locator('[data-status="playing"][data-via="whep"]').waitFor();
  follower = new LlHlsFollower(`${site}/hls/${spaceId}/audio.m3u8`);

  /** Who runs the Space, once a standby packages it already. */
  const placedWithStandby = async (): Promise<Origin> => {
    let primary: Origin | undefined;
    assert.ok(await until(async () => {
      const view = (await call({ url: site }, 'GET', '/api/v1/cluster', { token: host.token })).body as { spaces?: Array<{ spaceId: string; origin: string | null; standby: string | null }> };
      const placed = view.spaces?.find((s) => s.spaceId === spaceId);
      if (!placed?.origin || !placed.standby) return false;
      const standby = origins.find((o) => o.id === placed.standby)!;
      const playlist = await fetch(`${standby.url}/hls/${spaceId}/audio.m3u8`, { headers: { 'x-tribune-forwarded-by': 'test' } });
      if (playlist.status !== 200 || parsePlaylist(await playlist.text()).segments.length < 2) return false;
      primary = origins.find((o) => o.id === placed.origin);
      return true;
    }, 30_000, 200), 'a standby packages the Space');
    return primary!;
  };
  const primary = await placedWithStandby();
  assert.ok(await until(() => follower!.parts.length >= 10, 20_000, 50), 'the LL-HLS listener plays');
  for (const [page, selector, hz] of [[listener, 'audio', HOST_HZ], [listener, 'audio', SPEAKER_HZ], [speaker, '[data-testid="stage-audio"]', HOST_HZ]] as const) {
    const heard = await until(async () => await tone(page, selector, hz) > PLAYED, 15_000, 0);
    assert.ok(heard, `${hz} Hz heard at ${selector} before the drain: ${JSON.stringify(await measureAudio(page, selector, [HOST_HZ, SPEAKER_HZ], 1_000))}; `
      + `the speaker view says ${(await speaker.locator('main').innerText()).replace(/\s+/g, ' ')}`);
  }
  for (const page of [studio, speaker]) await page.evaluate('window.__air = []');
  await listener.evaluate('window.__status = []');

  const errorsBefore = follower.errors.length;
  const at = performance.now();
  const exited = new Promise<number | null>((resolve) => primary.child.once('exit', (code) => resolve(code)));
  primary.child.kill('SIGTERM');
  assert.equal(await exited, 0, 'the drained origin exits cleanly');
  const drainMs = Math.round(performance.now() - at);
  const want = follower.parts.length + 10;
  assert.ok(await until(() => follower!.parts.length >= want, 20_000, 50), `the LL-HLS listener goes on: ${follower.errors.slice(-3).join('; ')}`);

  for (const [name, page] of Object.entries({ studio, speaker })) {
    const seen = await page.evaluate('window.__air') as string[];
    assert.ok(seen.every((v) => v.startsWith('on-air:')), `${name} stayed on air: ${seen.join(' > ')}`);
  }
  const statuses = await listener.evaluate('window.__status') as string[];
  assert.ok(statuses.every((v) => v === 'playing/whep'), `the listener page kept playing over WHEP: ${statuses.join(' > ')}`);
  const gaps = { host: servedToneGapMs(follower.parts, at - 2_000, HOST_HZ, HEARD), speaker: servedToneGapMs(follower.parts, at - 2_000, SPEAKER_HZ, HEARD) };
  process.stdout.write(`# browser drain: the origin exited after ${drainMs} ms; the LL-HLS listener was served ${gaps.host} ms without the host's voice, ${gaps.speaker} ms without the speaker's\n`);
  assert.ok(gaps.host <= SEAM_MS && gaps.speaker <= SEAM_MS, `both voices in every frame: ${JSON.stringify(gaps)}`);
  assert.ok(await tone(speaker, '[data-testid="stage-audio"]', HOST_HZ) > PLAYED, 'the speaker still hears the host (the mix-minus moved)');
  assert.ok(await tone(listener, 'audio', SPEAKER_HZ) > PLAYED, 'the listener page still hears the speaker');
  assert.deepEqual(follower.errors.slice(errorsBefore), [], 'no request of the LL-HLS listener failed through the drain');

  // kill -9 of the origin running it now: its standby takes over, the pages come back by themselves.
  const next = await placedWithStandby();
  assert.notEqual(next, primary);
  const killedAt = performance.now();
  next.child.kill('SIGKILL');
  const onAirAgain = (testId: string) => `(() => { const el = document.querySelector('[data-testid="${testId}"]'); return el && el.getAttribute('data-air') === 'on-air'; })()`;
  const wantAfterKill = follower.parts.length + 15;
  assert.ok(await until(() => follower!.parts.length >= wantAfterKill, 30_000, 50), `the LL-HLS listener goes on after the kill: ${follower.errors.slice(-3).join('; ')}`);
  for (const [testId, page] of [['on-air', studio], ['speaker-air', speaker]] as const) {
    assert.ok(await until(async () => await page.evaluate(onAirAgain(testId)) === true, 20_000, 100), `${testId} on air again: ${(await page.evaluate('window.__air') as string[]).join(' > ')}`);
  }
  await listener.locator('[data-status="playing"]').waitFor({ timeout: 20_000 });
  const killGaps = { host: servedToneGapMs(follower.parts, killedAt - 2_000, HOST_HZ, HEARD), speaker: servedToneGapMs(follower.parts, killedAt - 2_000, SPEAKER_HZ, HEARD) };
  process.stdout.write(`# browser kill -9: the LL-HLS listener was served ${killGaps.host} ms without the host's voice, ${killGaps.speaker} ms without the speaker's; `
    + `the listener page went ${(await listener.evaluate('window.__status') as string[]).join(' > ')}\n`);
  assert.ok(killGaps.host <= KILL_GAP_MS && killGaps.speaker <= KILL_GAP_MS, `either voice missing for less than a cold move costs: ${JSON.stringify(killGaps)}`);
  assert.ok(await until(async () => await tone(speaker, '[data-testid="stage-audio"]', HOST_HZ) > PLAYED, 15_000, 0), 'the speaker hears the host again');
  assert.ok(await until(async () => await tone(listener, 'audio', SPEAKER_HZ) > PLAYED, 15_000, 0), 'the listener page hears the speaker again');
});
