import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { axeViolations, launchChromium, watchPage } from '../helpers/browser.js';
import { register, startTestServer, type TestServer } from '../helpers/control-server.js';
import { requireProgram } from '../helpers/require-program.js';
import { voiceWav } from '../helpers/voice-fixtures.js';
import { buildWeb } from '../helpers/web-build.js';

const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'web');
const available = requireProgram('chromium') && requireProgram('espeak-ng') && requireProgram('sox');

describe('around the event in a real browser: remind, calendar, follow, profile, clip, embed', { skip: !available, timeout: 180_000 }, () => {
  let server: TestServer;
  let dir: string;
  let browser: Browser;
  let context: BrowserContext;
  const problems: string[] = [];
  let page: Page;
  let host: { token: string; user: { handle: string } };
  let spaceId = '';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tribune-around-'));
    mkdirSync(ARTIFACTS, { recursive: true });
    await buildWeb();
    server = await startTestServer({ server: { media: true } });
    browser = await launchChromium(voiceWav(dir, 'quiet', { text: 'Hello.', voice: 'en', toneHz: 600 }));
    context = await browser.newContext({ locale: 'en-GB', timezoneId: 'Europe/Paris', viewport: { width: 390, height: 844 } });
    context.setDefaultTimeout(15_000);
    page = watchPage(await context.newPage(), 'listener', problems);
    host = await register(server, 'iris_hosts');
    const at = new Date(Date.now() + 3 * 3600_000).toISOString();
    const res = await server.request('POST', '/api/v1/spaces', { token: host.token, body: { title: 'Ask me anything about trains', description: 'Bring your questions.\nAll of them: https://example.org/trains', scheduledStart: at, timeZone: 'Europe/Paris' } });
    spaceId = res.body.id;
  });

  after(async () => {
    await context?.close().catch(() => {});
    await browser?.close().catch(() => {});
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    setTimeout(() => process.exit(), 100).unref();
  });

  it('a listener on a phone logs in, asks to be reminded, and finds the calendar file', async () => {
    await page.goto(`${server.url}/s/${spaceId}`);
    await page.getByRole('heading', { name: 'Ask me anything about trains' }).waitFor();
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('button', { name: 'No account? Create one' }).click();
    await page.getByLabel('Handle').fill('theo_listens');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Create an account' }).click();
    await page.getByRole('button', { name: 'Remind me when it starts' }).click();
    await page.getByText('You will be notified when it starts.').waitFor();
    const href = await page.getByTestId('add-to-calendar').getAttribute('href');
    assert.equal(href, `/api/v1/spaces/${spaceId}/event.ics`);
    const ics = await page.request.get(`${server.url}${href}`);
    assert.match(ics.headers()['content-type'] ?? '', /^text\/calendar/);
    assert.match(await ics.text(), /BEGIN:VEVENT[\s\S]*SUMMARY:Ask me anything about trains/);
    // The server wrote the preview tags into the page itself.
    assert.equal(await page.locator('head meta[property="og:title"]').getAttribute('content'), 'Ask me anything about trains');
    assert.ok(await page.locator('head link[type="application/json+oembed"]').count());
  });

  it('the host\'s profile page: follow, upcoming with a countdown, feeds discoverable', async () => {
    await page.getByRole('link', { name: 'iris_hosts’s page' }).click();
    await page.waitForURL(/\/u\/iris_hosts$/);
    await page.getByRole('heading', { name: 'iris_hosts', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Ask me anything about trains' }).waitFor();
    await page.getByText('Starts in 3 hours').waitFor();
    await page.getByRole('button', { name: 'Follow iris_hosts' }).click();
    await page.getByRole('button', { name: 'Following iris_hosts' }).waitFor();
    await page.getByText('1 follower').waitFor();
    assert.match(await page.locator('head link[type="application/rss+xml"]').getAttribute('href') ?? '', /\/api\/v1\/profiles\/iris_hosts\/feed\.rss$/);
    assert.match(await page.getByRole('link', { name: 'Subscribe in my calendar' }).getAttribute('href') ?? '', /^webcal:\/\/.*\/calendar\.ics$/);
    await page.screenshot({ path: join(ARTIFACTS, 'profile-en-390.png'), fullPage: true });
  });

  it('when the host goes live, the home page says so (in-app notification)', async () => {
    assert.equal((await server.request('POST', `/api/v1/spaces/${spaceId}/start`, { token: host.token })).status, 200);
    await page.goto(server.url);
    await page.getByTestId('live-for-you').getByRole('link', { name: 'iris_hosts is live: Ask me anything about trains' }).waitFor();
  });

  it('a clip of the live programme opens its own page, with a player of that length and a download', async () => {
    await page.goto(`${server.url}/s/${spaceId}`);
    await page.getByLabel('Clip length').selectOption('15');
    // The page clips what is behind the live edge: wait until the recording holds 20 s.
    const end = Date.now() + 40_000;
    while ((await server.request('POST', `/api/v1/spaces/${spaceId}/clips`, { token: host.token, body: { fromMs: 0, durationMs: 20_000 } })).status !== 201) {
      assert.ok(Date.now() < end, 'the recording never reached 20 s');
      await new Promise((r) => setTimeout(r, 500));
    }
    await page.getByRole('button', { name: 'Clip the last seconds' }).click();
    await page.waitForURL(/\/clips\/cl_/);
    assert.match(page.url(), /\/s\/[^/]+\/clips\/cl_/);
    const read = () => page.evaluate(`(() => { const a = document.querySelector('[data-testid="clip-audio"]');
      return a ? { duration: a.duration, readyState: a.readyState, error: a.error && a.error.message, src: a.currentSrc } : null; })()`) as Promise<{ duration: number; readyState: number; error: string | null; src: string } | null>;
    let seen = await read();
    for (let deadline = Date.now() + 10_000; !(seen && seen.duration > 14 && Number.isFinite(seen.duration)) && Date.now() < deadline; seen = await read()) await page.waitForTimeout(200);
    const duration = seen?.duration ?? NaN;
    assert.ok(Math.abs(duration - 15) < 0.1, `clip plays ${JSON.stringify(seen)}`);
    assert.match(await page.getByRole('link', { name: 'Download the clip' }).getAttribute('href') ?? '', /\/hls\/.+\/clips\/cl_.+\.m4a$/);
    await page.screenshot({ path: join(ARTIFACTS, 'clip-en-390.png'), fullPage: true });
  });

  it('the embeddable player plays in a frame of another page', async () => {
    const oembed = await page.request.get(`${server.url}/oembed?url=${encodeURIComponent(`${server.url}/s/${spaceId}`)}`);
    const { html } = await oembed.json() as { html: string };
    const frameHost = watchPage(await context.newPage(), 'frame-host', problems);
    await frameHost.setContent(`<!doctype html><html lang="en"><head><title>A blog</title></head><body><main><h1>A blog post</h1>${html}</main></body></html>`);
    const frame = frameHost.frameLocator('iframe');
    await frame.getByRole('heading', { name: 'Ask me anything about trains' }).waitFor();
    await frame.getByRole('button', { name: 'Listen live' }).click();
    await frame.locator('[data-status="playing"]').waitFor({ timeout: 15_000 });
  });

  it('the service worker shows a pushed go-live as a notification that opens the Space', async () => {
    await context.grantPermissions(['notifications'], { origin: server.url });
    const sw = await context.newPage();
    await sw.goto(`${server.url}/u/iris_hosts`);
    const worker = await sw.request.get(`${server.url}/sw.js`);
    assert.match(worker.headers()['content-type'] ?? '', /^text\/javascript/);
    assert.equal(worker.headers()['cache-control'], 'no-cache');
    const cdp = await context.newCDPSession(sw);
    const registrations: Array<{ registrationId: string; scopeURL: string; isDeleted: boolean }> = [];
    cdp.on('ServiceWorker.workerRegistrationUpdated', (e: { registrations: typeof registrations }) => registrations.push(...e.registrations));
    await cdp.send('ServiceWorker.enable');
    await sw.evaluate('navigator.serviceWorker.register("/sw.js").then(() => navigator.serviceWorker.ready)');
    const registered = Date.now() + 15_000;
    while (!registrations.some((r) => !r.isDeleted) && Date.now() < registered) await new Promise((r) => setTimeout(r, 100));
    const registration = registrations.find((r) => !r.isDeleted);
    assert.ok(registration, 'the worker registered');
    const payload = { type: 'space.live', spaceId, title: 'Ask me anything about trains', host: 'iris_hosts', url: `${server.url}/s/${spaceId}` };
    // A push can arrive before the worker has started listening under load: deliver again until shown
    // (the notification's tag makes a second delivery replace the first, never add to it).
    let shown: Array<{ title: string; body: string; url: string }> = [];
    for (let end = Date.now() + 20_000; shown.length === 0 && Date.now() < end;) {
      await cdp.send('ServiceWorker.deliverPushMessage', { origin: new URL(server.url).origin, registrationId: registration.registrationId, data: JSON.stringify(payload) });
      for (let wait = Date.now() + 3000; shown.length === 0 && Date.now() < wait;) {
        shown = await sw.evaluate('navigator.serviceWorker.ready.then((r) => r.getNotifications()).then((ns) => ns.map((n) => ({ title: n.title, body: n.body, url: n.data && n.data.url })))') as typeof shown;
        if (!shown.length) await new Promise((r) => setTimeout(r, 100));
      }
    }
    assert.deepEqual(shown, [{ title: 'Ask me anything about trains', body: 'iris_hosts', url: `${server.url}/s/${spaceId}` }]);
    await sw.close();
  });

  it('axe finds nothing serious on the profile, clip and embed pages, in English and French, at 390 px', async () => {
    const clipUrl = page.url();
    const violations: string[] = [];
    for (const url of [`${server.url}/u/iris_hosts`, clipUrl, `${server.url}/embed/${spaceId}`, `${server.url}/s/${spaceId}`]) {
      await page.goto(url);
      await page.locator('h1').first().waitFor();
      for (const v of await axeViolations(page)) violations.push(`${url} (en): ${v}`);
      const french = page.getByRole('button', { name: 'Français' });
      if (await french.count()) {
        await french.click();
        // A function, not a string: the page's Content-Security-Policy refuses eval.
        await page.waitForFunction(() => (globalThis as unknown as { document: { documentElement: { lang: string } } }).document.documentElement.lang === 'fr');
        for (const v of await axeViolations(page)) violations.push(`${url} (fr): ${v}`);
        await page.getByRole('button', { name: 'English' }).click();
      }
      const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth') as number;
      assert.ok(overflow <= 0, `${url} overflows a 390 px screen by ${overflow} px`);
    }
    assert.deepEqual(violations, []);
  });

  it('no page logged an error or had a failed request', () => {
    assert.deepEqual(problems, []);
  });
});
