import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer } from '../helpers/control-server.js';
import { requireProgram } from '../helpers/require-program.js';
import { isLoadtestReport, rampProfile, runLoadtest, writeReport, LOADTEST_DEFAULTS as D, type LoadtestOptions, type LoadtestReport } from '../../src/loadtest/index.js';
import { exitAfterNdcTests } from '../helpers/exit-after-ndc.js';

exitAfterNdcTests();

const CHROMIUM = '/usr/bin/chromium';

function options(target: string, overrides: Partial<LoadtestOptions> = {}): LoadtestOptions {
  return {
    target, allowRemote: false, spaceId: undefined, create: true, handle: undefined, password: undefined,
    profile: rampProfile(50, 100, 4), whepListeners: 2, speakers: 1, speech: undefined,
    askers: 2, voters: 2, tappers: 3, tapIntervalMs: 300, heartbeats: true, collapse: true, spoofForwardedFor: false,
    maxSockets: 64, playerBufferMs: D.playerBufferMs, requestTimeoutMs: 5000, metricsIntervalMs: 1000, reportDir: undefined,
    ...overrides,
  };
}

test('a few seconds of load against an in-process Tribune: every kind of client, and a report that parses', { timeout: 90_000 }, async (t) => {
  const server = await startTestServer({ server: { media: true } });
  const dir = mkdtempSync(join(tmpdir(), 'tribune-loadtest-'));
  t.after(async () => { await server.close(); rmSync(dir, { recursive: true, force: true }); });
  const ticks: number[] = [];
  const report = await runLoadtest(options(server.url), { onTick: (s) => ticks.push(s.point.playing) });
  const s = report.summary;
  assert.equal(s.peakPlaying, 50, JSON.stringify(report.timeline.map((p) => p.playing)));
  assert.equal(s.joinMs.count, 50);
  assert.equal(s.firstAudioMs.count, 50);
  // Loose bound: a loaded CI machine is slow; the benchmark, not this test, measures latency.
  assert.ok(s.firstAudioMs.p50 > 0 && s.firstAudioMs.p99 < 15_000, JSON.stringify(s.firstAudioMs));
  assert.equal(s.stage.speakersConnected, 1, JSON.stringify(s.stage));
  assert.equal(s.stage.whepConnected, 2, JSON.stringify({ stage: s.stage, errors: s.errors }));
  assert.ok(s.stage.packetsReceived > 50, `WHEP packets ${s.stage.packetsReceived}`);
  assert.ok(s.interactions.questions >= 2, JSON.stringify(s.interactions));
  assert.ok(s.interactions.reactions > 0, JSON.stringify(s.interactions));
  assert.ok(s.requests.simulated > s.requests.sent, 'collapsing shared requests');
  assert.ok(ticks.length >= 3, `live view ticks: ${ticks.length}`);
  assert.ok(report.originSamples.some((o) => o.rssMB !== null && o.rssMB > 0), 'origin memory scraped from /metrics');
  const unexpected = Object.keys(s.errors).filter((k) => k !== 'resync');
  assert.deepEqual(unexpected, [], JSON.stringify(s.errors));

  const files = await writeReport(report, dir);
  const parsed: unknown = JSON.parse(readFileSync(files.json, 'utf8'));
  assert.ok(isLoadtestReport(parsed));
  assert.equal((parsed as LoadtestReport).summary.peakPlaying, 50);
  const html = readFileSync(files.html, 'utf8');
  assert.ok((html.match(/<svg /g) ?? []).length >= 6);
  assert.doesNotMatch(html, /<script|(?:src|href)="https?:/, 'self-contained: no script, no outside resource');
  // Figures with units, never a raw JSON object ({"count":10000,"p50":22.7,...}) in the summary.
  assert.doesNotMatch(html, /<td[^>]*>[^<]*\{&quot;/);
  assert.match(html, /Time to first audio<\/th><td>p50 [\d.,]+ ms, p90 [\d.,]+ ms, p99 [\d.,]+ ms, max [\d.,]+ m?s \(50 samples\)/);

  await t.test('the HTML report opens in Chromium without console errors', { skip: !requireProgram('chromium') }, async () => {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`); });
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      page.on('requestfailed', (r) => problems.push(`requestfailed: ${r.url()}`));
      await page.goto(`file://${files.html}`);
      assert.equal(await page.locator('svg').count(), 7);
      assert.match(await page.title(), /Tribune load test/);
      const box = await page.locator('svg').first().boundingBox();
      assert.ok(box && box.width > 100 && box.height > 100);
      assert.deepEqual(problems, []);
    } finally {
      await browser.close();
    }
  });
});

test('a Space with segment streams: the simulated players do what its page does, a request per segment and no part', { timeout: 90_000 }, async (t) => {
  const server = await startTestServer({ server: { media: true }, overrides: { audience: { delivery: 'segment-streams' } } });
  t.after(() => server.close());
  const asked = new Map<string, number>();
  // Seen on the origin's own socket server (the app already listens: no hook can be added).
  server.app.server.on('request', (request: { url?: string }) => {
    const url = request.url ?? '';
    const kind = /\/seg-\d+\.m4s$/.test(url) ? 'segment' : /\/part-/.test(url) ? 'part' : /audio\.m3u8\?/.test(url) ? 'reload' : undefined;
    if (kind) asked.set(kind, (asked.get(kind) ?? 0) + 1);
  });
  const report = await runLoadtest(options(server.url, {
    profile: rampProfile(20, 100, 8), whepListeners: 0, askers: 0, voters: 0, tappers: 0, heartbeats: false, collapse: false,
  }));
  const s = report.summary;
  assert.equal(s.delivery, 'segment-streams');
  assert.equal(s.peakPlaying, 20);
  assert.equal(s.firstAudioMs.count, 20);
  assert.equal(asked.get('part') ?? 0, 0, `no part asked for: ${JSON.stringify(Object.fromEntries(asked))}`);
  // 20 players for ~8 s of 2 s segments: about 4 segments each, and a reload for one in three.
  const segments = asked.get('segment') ?? 0;
  assert.ok(segments >= 20 * 3 && segments <= 20 * 6, `${segments} segment requests`);
  assert.ok((asked.get('reload') ?? 0) <= segments, `${asked.get('reload')} reloads for ${segments} segments`);
  assert.deepEqual(Object.keys(s.errors), [], JSON.stringify(s.errors));
});

test('a target that is not loopback is refused before any request', async () => {
  await assert.rejects(runLoadtest(options('http://192.0.2.10:8080')), (err: unknown) => (err as { code?: string }).code === 'TARGET_NOT_LOOPBACK');
});

test('a run survives its clients failing, and reports each failure', { timeout: 60_000 }, async (t) => {
  // No media on this origin: every WHEP listener is refused. One tick also leaves a rejection no one
  // awaits, as a client library's bug would; the run must count it, not die of it. In a child
  // process: the test runner would otherwise claim the unhandled rejection for itself.
  const server = await startTestServer({ server: { media: false } });
  t.after(() => server.close());
  const script = `
    import { rampProfile, runLoadtest, LOADTEST_DEFAULTS as D } from ${JSON.stringify(new URL('../../src/loadtest/index.ts', import.meta.url).href)};
    let injected = 0;
    const report = await runLoadtest({
      target: process.argv[1], allowRemote: false, spaceId: undefined, create: true, handle: undefined, password: undefined,
      profile: rampProfile(5, 10, 3), whepListeners: 2, speakers: 0, speech: undefined, askers: 0, voters: 0, tappers: 0, tapIntervalMs: 1000,
      heartbeats: false, collapse: true, spoofForwardedFor: false, maxSockets: 16, playerBufferMs: D.playerBufferMs, requestTimeoutMs: 5000,
      metricsIntervalMs: 1000, reportDir: undefined,
    }, { onTick: () => { if (injected++ === 0) void Promise.reject(new Error('a client library bug')); } });
    process.stdout.write(JSON.stringify({ errors: report.summary.errors, whep: report.summary.stage.whepConnected, clientFailures: report.clientFailures }), () => process.exit(0));
  `;
  // Asynchronously: the origin under test lives in this process.
  const child = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, server.url], { encoding: 'utf8', timeout: 45_000 });
  const out = JSON.parse(child.stdout) as { errors: Record<string, number>; whep: number; clientFailures: Record<string, number> };
  const whepRefused = Object.entries(out.errors).filter(([k]) => k.startsWith('whep-')).reduce((sum, [, v]) => sum + v, 0);
  assert.equal(whepRefused, 2, JSON.stringify(out.errors));
  assert.equal(out.whep, 0);
  assert.deepEqual(out.clientFailures, { 'unhandled rejection: a client library bug': 1 });
});

test('the attack profile refuses a target that is not loopback, even with --allow-remote', async () => {
  const attack = { floodRate: 10, floodDurationS: 1, floodAddresses: 1, slowSockets: 0, seed: 1, warmupS: 0, tailS: 0, joinersDuringFlood: 0, rssLimitMB: 1, probeIntervalMs: 1000, pipeline: 1 };
  await assert.rejects(runLoadtest(options('http://192.0.2.10:8080', { allowRemote: true, attack })), (err: unknown) => (err as { code?: string }).code === 'TARGET_NOT_LOOPBACK');
});
