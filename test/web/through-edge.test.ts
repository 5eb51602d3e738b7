import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { publishWhip, toneSource, type WhipPublisher } from '../../src/clients/index.js';
import { launchChromium, measureAudio } from '../helpers/browser.js';
import { register, startTestServer, type TestServer } from '../helpers/control-server.js';
import { startEdge, type Edge } from '../helpers/nginx-edge.js';
import { requireProgram } from '../helpers/require-program.js';
import { buildWeb } from '../helpers/web-build.js';

const TONE_HZ = 700;
const available = requireProgram('chromium') && requireProgram('nginx');

// Regression: through the shipped edge (which names its upstream in Host), the listener page got
// http://tribune_origins/hls/… and …/whep and played nothing, over LL-HLS or WHEP, unless --public-url
// was set. The main deployment path is now tested as a listener uses it: a browser at the edge.
describe('a listener page through the shipped nginx edge', { skip: !available, timeout: 120_000 }, () => {
  let server: TestServer;
  let edge: Edge;
  let browser: Browser;
  let publisher: WhipPublisher;
  let spaceId = '';

  before(async () => {
    await buildWeb();
    server = await startTestServer({ server: { media: true }, overrides: { trustProxy: ['127.0.0.1'] } });
    edge = await startEdge({ primary: `127.0.0.1:${new URL(server.url).port}` });
    browser = await launchChromium('/dev/null');
    const host = await register(server, 'edge_host');
    spaceId = ((await server.request('POST', '/api/v1/spaces', { token: host.token, body: { title: 'Through the edge', language: 'en' } })).body as { id: string }).id;
    assert.equal((await server.request('POST', `/api/v1/spaces/${spaceId}/start`, { token: host.token })).status, 200);
    publisher = await publishWhip({ url: `http://127.0.0.1:${edge.port}/api/v1/spaces/${spaceId}/whip`, bearer: host.token, source: toneSource(TONE_HZ, 0.3) });
  });

  after(async () => {
    await publisher?.close().catch(() => {});
    await browser?.close().catch(() => {});
    await edge?.stop();
    await server?.close();
    setTimeout(() => process.exit(), 100).unref();
  });

  for (const via of ['hls', 'whep'] as const) {
    it(`plays over ${via === 'hls' ? 'LL-HLS' : 'WHEP'}, every URL on the edge's own address`, async () => {
      const page = await (await browser.newContext({ locale: 'en-GB' })).newPage();
      const requested: string[] = [];
      page.on('request', (r) => requested.push(r.url()));
      await page.goto(`http://localhost:${edge.port}/s/${spaceId}${via === 'whep' ? '?via=whep' : ''}`);
      await page.getByRole('button', { name: 'Listen live' }).click();
      await page.locator(`[data-status="playing"][data-via="${via}"]`).waitFor({ timeout: 20_000 });
      const heard = await measureAudio(page, '[data-testid="live-audio"]', [TONE_HZ], 2_500);
      assert.ok(heard.tones[String(TONE_HZ)]! > 0.01, `the speaker is heard through the edge over ${via} (${JSON.stringify(heard.tones)})`);
      const elsewhere = requested.filter((u) => !u.startsWith(`http://localhost:${edge.port}/`) && !u.startsWith('blob:') && !u.startsWith('data:'));
      assert.deepEqual(elsewhere, [], 'nothing fetched from anywhere but the edge');
      await page.context().close();
    });
  }
});
