import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer } from '../helpers/control-server.js';
import { exitAfterNdcTests } from '../helpers/exit-after-ndc.js';
import { buildWeb } from '../helpers/web-build.js';
import { requireProgram } from '../helpers/require-program.js';
import { rampProfile, renderReportHtml, renderSummary, runLoadtest, LOADTEST_DEFAULTS as D } from '../../src/loadtest/index.js';

exitAfterNdcTests();

test('--browsers: a real player (the listener page, hls.js in Chromium) beside the simulated ones, both reported', { timeout: 120_000, skip: !requireProgram('chromium') }, async (t) => {
  await buildWeb();
  const server = await startTestServer({ server: { media: true } });
  t.after(() => server.close());
  const report = await runLoadtest({
    target: server.url.replace('localhost', '127.0.0.1'), allowRemote: false, spaceId: undefined, create: true, handle: undefined, password: undefined,
    profile: rampProfile(10, 10, 12), whepListeners: 0, speakers: 1, speech: undefined, askers: 0, voters: 0, tappers: 0, tapIntervalMs: 1000,
    heartbeats: false, collapse: true, spoofForwardedFor: false, maxSockets: 64, playerBufferMs: D.playerBufferMs, requestTimeoutMs: 5000,
    metricsIntervalMs: 1000, reportDir: undefined, browsers: 1,
  });
  t.diagnostic(renderSummary(report));
  const b = report.browsers;
  assert.ok(b, 'a browsers section');
  assert.equal(b.error, undefined);
  assert.equal(b.players.length, 1);
  const [p] = b.players;
  assert.ok(p!.firstAudioMs !== null && p!.firstAudioMs > 0, JSON.stringify(p));
  assert.ok(p!.mediaRequests > 0 && p!.requests >= p!.mediaRequests, JSON.stringify(p));
  assert.ok(Number.isInteger(p!.stalls) && p!.stalls >= 0);
  assert.ok(b.realRequestsPerSecond !== null && b.realRequestsPerSecond > 0);
  assert.ok(b.simulatedRequestsPerListenerSecond !== null && b.simulatedRequestsPerListenerSecond > 0);
  assert.match(renderReportHtml(report), /Real vs simulated player<\/th><td>requests per second per player: real [\d.]+ req\/s, simulated [\d.]+ req\/s/);
});
