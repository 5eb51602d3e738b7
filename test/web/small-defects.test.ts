import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { axeViolations, launchChromium, watchPage } from '../helpers/browser.js';
import { register, registerAdmin, startTestServer, type TestServer } from '../helpers/control-server.js';
import { requireProgram } from '../helpers/require-program.js';
import { voiceWav } from '../helpers/voice-fixtures.js';
import { buildWeb } from '../helpers/web-build.js';

const available = requireProgram('chromium') && requireProgram('espeak-ng') && requireProgram('sox');
const PHONE = { width: 390, height: 844 };

async function overflow(page: Page): Promise<number> {
  return page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth') as Promise<number>;
}

describe('the smaller defects, each in a real browser on a phone', { skip: !available, timeout: 180_000 }, () => {
  let server: TestServer;
  let dir: string;
  let browser: Browser;
  let context: BrowserContext;
  let hostContext: BrowserContext;
  const problems: string[] = [];
  let page: Page;
  let host: { token: string };
  let liveId = '';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tribune-defects-'));
    await buildWeb();
    server = await startTestServer({ server: { media: true } });
    browser = await launchChromium(voiceWav(dir, 'quiet', { text: 'Hello.', voice: 'en', toneHz: 600 }));
    context = await browser.newContext({ locale: 'en-GB', timezoneId: 'Europe/Paris', viewport: PHONE });
    context.setDefaultTimeout(15_000);
    page = watchPage(await context.newPage(), 'page', problems);
    // An admin (made as `tribune admin create` does): the console opens for it.
    host = await registerAdmin(server, 'nadia_hosts');
    const res = await server.request('POST', '/api/v1/spaces', { token: host.token, body: { title: 'Night trains', description: 'First line\nSecond line, see https://example.org/night-trains.\n\nA new paragraph.' } });
    liveId = res.body.id;
    assert.equal((await server.request('POST', `/api/v1/spaces/${liveId}/start`, { token: host.token })).status, 200);
  });

  after(async () => {
    await context?.close().catch(() => {});
    await hostContext?.close().catch(() => {});
    await browser?.close().catch(() => {});
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    setTimeout(() => process.exit(), 100).unref();
  });

  it('descriptions keep their lines and their links are clickable', async () => {
    await page.goto(`${server.url}/s/${liveId}`);
    const description = page.locator('.description');
    await description.waitFor();
    assert.equal(await description.locator('p').count(), 2, 'two paragraphs');
    assert.equal(await description.locator('br').count(), 1, 'a line break');
    assert.equal(await description.getByRole('link', { name: 'https://example.org/night-trains' }).getAttribute('href'), 'https://example.org/night-trains');
  });

  it('reactions are drawn as SVG with their names visible, no emoji font needed', async () => {
    const buttons = page.locator('.reactions button');
    assert.equal(await buttons.count(), 7);
    for (const name of ['Applause', 'Love', 'Laugh', 'Fire', 'Thumbs up', 'Thinking', 'Spot on']) {
      const button = page.locator('.reactions button', { hasText: name });
      assert.ok(await button.locator('svg').count(), `${name} has its glyph`);
      assert.ok(await button.locator('.label').isVisible(), `${name} is written`);
    }
    const text = await page.locator('.reactions').innerText();
    assert.ok(!/\p{Extended_Pictographic}/u.test(text), `no emoji: ${text}`);
  });

  it('the stream selector switches the playing stream at once', async () => {
    await page.getByRole('button', { name: 'Listen live' }).click();
    await page.locator('[data-status="playing"][data-via="hls"]').waitFor();
    await page.getByLabel('Stream').selectOption('whep');
    await page.locator('[data-status="playing"][data-via="whep"]').waitFor();
    // Stopping tells the server before closing the peer: no DELETE of a session it already forgot.
    await page.getByRole('button', { name: 'Stop' }).click();
  });

  it('a whitespace-only question says what is wrong, never a code; the field counts its characters', async () => {
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('button', { name: 'No account? Create one' }).click();
    await page.getByLabel('Handle').fill('omar_listens');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Create an account' }).click();
    await page.getByLabel('Your question (280 characters at most)').fill('   ');
    await page.getByText('3 / 280').waitFor();
    await page.getByRole('button', { name: 'Send the question' }).click();
    await page.getByText('Write a question first (spaces alone are not one).').waitFor();
    assert.equal(await page.getByText('VALIDATION_FAILED').count(), 0);
  });

  it('a whitespace-only title says what is wrong; title and description count their characters', async () => {
    await page.goto(server.url);
    await page.getByRole('heading', { name: 'Create a Space' }).waitFor();
    await page.getByLabel('Title').fill('   ');
    await page.getByText('3 / 120').waitFor();
    await page.getByLabel('Description (optional)').fill('x'.repeat(1990));
    await page.getByText(/^1,?990 \/ 2,?000$/).waitFor();
    await page.getByRole('button', { name: 'Create and open the studio' }).click();
    await page.getByText('Give the Space a title (not only spaces).').waitFor();
    assert.equal(await page.getByText(/VALIDATION_FAILED|Something went wrong/).count(), 0);
  });

  it('the French for "Play when it starts" says so', async () => {
    const { body } = await server.request('POST', '/api/v1/spaces', { token: host.token, body: { title: 'Plus tard', scheduledStart: new Date(Date.now() + 3600_000).toISOString() } });
    await page.goto(`${server.url}/s/${body.id}`);
    await page.getByRole('button', { name: 'Français' }).click();
    await page.getByRole('button', { name: 'Écouter dès que le direct commence' }).waitFor();
    await page.getByRole('button', { name: 'English' }).click();
  });

  it('the moderation console fits a 390 px screen, list and Space alike', async () => {
    // The host's own browser (an admin of the install).
    hostContext = await browser.newContext({ locale: 'en-GB', timezoneId: 'Europe/Paris', viewport: PHONE });
    hostContext.setDefaultTimeout(15_000);
    const console = watchPage(await hostContext.newPage(), 'console', problems);
    await console.goto(server.url);
    await console.getByRole('button', { name: 'Log in' }).first().waitFor();
    await console.getByLabel('Handle').fill('nadia_hosts');
    await console.getByLabel('Password').fill('correct horse battery');
    await console.getByRole('button', { name: 'Log in' }).last().click();
    await console.getByRole('link', { name: 'Moderation' }).click();
    await console.getByRole('button', { name: 'Open: Night trains' }).waitFor();
    assert.ok(await overflow(console) <= 0, `the list overflows by ${await overflow(console)} px`);
    await console.getByRole('button', { name: 'Open: Night trains' }).click();
    await console.getByRole('heading', { name: 'Night trains' }).waitFor();
    assert.ok(await overflow(console) <= 0, `the Space overflows by ${await overflow(console)} px`);
  });

  it('the studio\'s audience chart has a time axis and its values written out', async () => {
    const studio = watchPage(await hostContext.newPage(), 'studio', problems);
    await studio.goto(`${server.url}/s/${liveId}/studio`);
    const chart = studio.locator('figure.chart');
    await chart.locator('.axis-x span').first().waitFor();
    assert.match(await chart.locator('.axis-x').innerText(), /^\d{2}:\d{2}:\d{2}( [AP]M)?\s+\d{2}:\d{2}:\d{2}( [AP]M)?$/);
    await chart.getByText(/^Now: \d+ listeners, \d+ reactions per second$/).waitFor();
    assert.ok(await overflow(studio) <= 0, `the studio overflows by ${await overflow(studio)} px`);
    await studio.close();
  });

  it('the host manages a scheduled Space from the studio: title, description, language, time in a chosen zone, then cancels and deletes it', async () => {
    const { body } = await server.request('POST', '/api/v1/spaces', { token: host.token, body: { title: 'Draft', scheduledStart: new Date(Date.now() + 86_400_000).toISOString() } });
    const studio = watchPage(await hostContext.newPage(), 'manage', problems);
    await studio.goto(`${server.url}/s/${body.id}/studio`);
    await studio.getByRole('heading', { name: 'Before it starts' }).waitFor();
    assert.equal(await studio.getByLabel('Time zone').inputValue(), 'Europe/Paris', 'the browser\'s zone first');
    assert.deepEqual(await axeViolations(studio), [], 'the studio before the start is accessible');
    await studio.getByLabel('Title').fill('Sleeper trains, at last');
    await studio.getByLabel('Description', { exact: true }).fill('Line one\nLine two');
    await studio.getByLabel('Language of the conversation').selectOption('fr');
    await studio.getByLabel('Start (date and time)').fill('2027-03-14T09:00');
    await studio.getByLabel('Time zone').selectOption('America/New_York');
    await studio.getByRole('button', { name: 'Save the changes' }).click();
    await studio.getByText('Saved.').waitFor();
    const { body: saved } = await server.request('GET', `/api/v1/spaces/${body.id}`);
    assert.equal(saved.title, 'Sleeper trains, at last');
    assert.equal(saved.description, 'Line one\nLine two');
    assert.equal(saved.language, 'fr');
    assert.equal(saved.scheduledStart, '2027-03-14T13:00:00.000Z', '09:00 in New York that day (EDT)');
    assert.equal(saved.timeZone, 'America/New_York');
    await studio.getByRole('heading', { name: 'Sleeper trains, at last' }).waitFor();

    await studio.getByRole('button', { name: 'Cancel this Space' }).click();
    await studio.getByRole('button', { name: 'Yes, cancel it' }).click();
    await studio.locator('.pill.cancelled').waitFor();
    assert.equal((await server.request('GET', `/api/v1/spaces/${body.id}`)).body.state, 'cancelled');
    await studio.getByRole('heading', { name: 'This Space was cancelled' }).waitFor();
    await studio.getByRole('button', { name: 'Delete this Space' }).click();
    await studio.getByRole('button', { name: 'Yes, delete it for good' }).click();
    await studio.waitForURL(`${server.url}/`);
    assert.equal((await server.request('GET', `/api/v1/spaces/${body.id}`)).body.error.code, 'SPACE_NOT_FOUND');
    await studio.close();
  });

  it('an error page has a heading and a way home', async () => {
    const lost = await context.newPage();
    await lost.goto(`${server.url}/s/sp_AAAAAAAAAAAA`);
    await lost.getByRole('heading', { name: 'This Space does not exist.' }).waitFor();
    await lost.getByRole('link', { name: 'Back to the home page' }).click();
    await lost.waitForURL(`${server.url}/`);
  });

  it('no page logged an error or had a failed request', () => {
    assert.deepEqual(problems, []);
  });
});
