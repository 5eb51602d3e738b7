import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { publishWhip, toneSource, type WhipPublisher } from '../../src/clients/index.js';
import { launchChromium, measureAudio } from '../helpers/browser.js';
import { register, startTestServer, type TestServer } from '../helpers/control-server.js';
import { freePort, startEdge, type Edge } from '../helpers/nginx-edge.js';
import { requireProgram } from '../helpers/require-program.js';
import { buildWeb } from '../helpers/web-build.js';

const TONE_HZ = 620;
const available = requireProgram('chromium') && requireProgram('nginx');

/**
 * The second path for when an edge itself dies: with a backup edge configured, the multivariant
 * playlist lists the stream once per edge, each a pathway, and hls.js in the listener page moves to
 * the backup when its edge stops answering, without the listener doing anything.
 */
describe('a listener whose edge dies carries on through the backup edge', { skip: !available, timeout: 120_000 }, () => {
  let server: TestServer;
  let edgeA: Edge;
  let edgeB: Edge;
  let browser: Browser;
  let publisher: WhipPublisher;
  let spaceId = '';

  before(async () => {
    await buildWeb();
    const portB = await freePort();
    server = await startTestServer({ server: { media: true }, overrides: { trustProxy: ['127.0.0.1'], audience: { backupEdgeUrls: [`http://127.0.0.1:${portB}`] } } });
    const origin = `127.0.0.1:${new URL(server.url).port}`;
    edgeA = await startEdge({ primary: origin });
    edgeB = await startEdge({ primary: origin }, { port: portB });
    browser = await launchChromium('/dev/null');
    const host = await register(server, 'pathway_host');
    spaceId = ((await server.request('POST', '/api/v1/spaces', { token: host.token, body: { title: 'Two edges', language: 'fr' } })).body as { id: string }).id;
    assert.equal((await server.request('POST', `/api/v1/spaces/${spaceId}/start`, { token: host.token })).status, 200);
    publisher = await publishWhip({ url: `${server.url}/api/v1/spaces/${spaceId}/whip`, bearer: host.token, source: toneSource(TONE_HZ, 0.3) });
  });

  after(async () => {
    await publisher?.close().catch(() => {});
    await browser?.close().catch(() => {});
    await edgeA?.stop();
    await edgeB?.stop();
    await server?.close();
    setTimeout(() => process.exit(), 100).unref();
  });

  it('lists both edges as pathways; after the first edge is killed the page keeps playing from the second', async () => {
    const multivariant = await (await fetch(`http://127.0.0.1:${edgeA.port}/hls/${spaceId}/index.m3u8`)).text();
    assert.ok(multivariant.includes('PATHWAY-ID="edge"\naudio.m3u8'), multivariant);
    assert.ok(multivariant.includes(`PATHWAY-ID="edge-2"\nhttp://127.0.0.1:${edgeB.port}/hls/${spaceId}/audio.m3u8`), multivariant);

    const page = await (await browser.newContext({ locale: 'fr-FR' })).newPage();
    const fromB: string[] = [];
    page.on('request', (r) => { if (r.url().startsWith(`http://127.0.0.1:${edgeB.port}/`)) fromB.push(r.url()); });
    await page.goto(`http://127.0.0.1:${edgeA.port}/s/${spaceId}`);
    await page.getByRole('button', { name: 'Écouter en direct' }).click();
    await page.locator('[data-status="playing"][data-via="hls"]').waitFor({ timeout: 20_000 });
    assert.deepEqual(fromB, [], 'the backup edge is not used while the first answers');
    const before = await measureAudio(page, '[data-testid="live-audio"]', [TONE_HZ], 1_500);
    assert.ok(before.tones[String(TONE_HZ)]! > 0.01, `heard through the first edge: ${JSON.stringify(before.tones)}`);

    const audio = page.locator('[data-testid="live-audio"]');
    const position = (): Promise<{ time: number; paused: boolean }> => audio.evaluate((el: { currentTime: number; paused: boolean }) => ({ time: el.currentTime, paused: el.paused }));
    const at = (await position()).time;
    await edgeA.stop();
    // Playback goes on: the position advances well past what was buffered when the edge died.
    const deadline = Date.now() + 45_000;
    let stalledMs = 0;
    let last = { time: at, at: Date.now() };
    for (let now = await position(); now.time < at + 8 || now.paused; now = await position()) {
      assert.ok(Date.now() < deadline, `playback stopped at ${now.time} s (the edge died at ${at} s); requests to the backup: ${fromB.length}`);
      // Wall time that did not move the position: the stall a listener heard.
      const t = Date.now();
      stalledMs += Math.max(0, (t - last.at) - (now.time - last.time) * 1000);
      last = { time: now.time, at: t };
      await page.waitForTimeout(250);
    }
    process.stdout.write(`# the first edge killed: the page moved to the backup edge and stalled ${Math.round(stalledMs)} ms\n`);
    const viaB: string[] = fromB;
    assert.ok(viaB.some((u) => u.includes('/audio.m3u8')) && viaB.some((u) => u.includes('.m4s')), `playlists and parts from the backup edge: ${viaB.slice(0, 5).join(' ')}`);
    // The tone's level is averaged over each window: a window with a hiccup of the loaded machine in
    // it reads lower, a page that plays nothing reads nothing in all three.
    const levels: number[] = [];
    for (let k = 0; k < 3; k++) levels.push((await measureAudio(page, '[data-testid="live-audio"]', [TONE_HZ], 1_000)).tones[String(TONE_HZ)]!);
    assert.ok(Math.max(...levels) > 0.01, `heard through the backup edge: ${levels.map((l) => l.toFixed(4)).join(' ')}`);
    await page.context().close();
  });
});
