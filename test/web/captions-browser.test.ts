import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { axeViolations, launchChromium, watchPage, type PageDocument } from '../helpers/browser.js';
import { startTestServer, type TestServer } from '../helpers/control-server.js';
import { requireProgram } from '../helpers/require-program.js';
import { buildWeb } from '../helpers/web-build.js';
import { librivoxAvailable, librivoxUtterances, LIBRIVOX_DIR, pcm48k } from '../helpers/librivox.js';
import { publishWhip, type WhipPublisher } from '../../src/clients/index.js';

const available = requireProgram('chromium') && librivoxAvailable();

/** Recorded sentences, a second of silence after each, then silence. */
function speechSource(clips: Int16Array[]): () => Int16Array {
  const gap = 48_000;
  const all = new Int16Array(clips.reduce((n, c) => n + c.length + gap, 0));
  let at = 0;
  for (const c of clips) { all.set(c, at); at += c.length + gap; }
  let pos = 0;
  return () => {
    const frame = new Int16Array(960);
    if (pos < all.length) frame.set(all.subarray(pos, pos + 960));
    pos += 960;
    return frame;
  };
}

describe('captions in the browser: live toggle, replay transcript', { skip: !available, timeout: 240_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let token = '';
  let spaceId = '';
  let publisher: WhipPublisher | undefined;
  const problems: string[] = [];

  before(async () => {
    await buildWeb();
    server = await startTestServer({ server: { media: true }, overrides: { captions: { engine: 'pocketsphinx' } } });
    browser = await launchChromium(`${LIBRIVOX_DIR}/sense_and_sensibility_01_austen_64kb-0880.wav`);
    const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 390, height: 844 } });
    context.setDefaultTimeout(20_000);
    page = watchPage(await context.newPage(), 'listener', problems);
    const reg = await server.request('POST', '/api/v1/auth/register', { body: { handle: 'marianne', password: 'correct horse battery', displayName: 'Marianne D.' } });
    token = reg.body.token;
  });

  after(async () => {
    await publisher?.close().catch(() => {});
    await browser?.close().catch(() => {});
    await server?.close();
    setTimeout(() => process.exit(), 100).unref();
  });

  it('(1) the toggle shows live lines with the speaker\'s name in a polite live region, and is remembered', async () => {
    spaceId = (await server.request('POST', '/api/v1/spaces', { token, body: { title: 'Chapter one', language: 'en' } })).body.id;
    assert.equal((await server.request('POST', `/api/v1/spaces/${spaceId}/start`, { token })).status, 200);
    const clips = librivoxUtterances().filter((u) => /0880|0930|0890/.test(u.id)).map((u) => pcm48k(u.wav));
    publisher = await publishWhip({ url: `${server.url}/api/v1/spaces/${spaceId}/whip`, bearer: token, source: speechSource(clips) });

    await page.goto(`${server.url}/s/${spaceId}`);
    const toggle = page.getByTestId('captions-toggle');
    assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
    await toggle.click();
    assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
    const region = page.getByTestId('caption-lines');
    assert.equal(await region.getAttribute('aria-live'), 'polite');
    assert.equal(await region.getAttribute('aria-relevant'), 'additions');
    await page.locator('.caption-line', { hasText: 'Marianne D.:' }).first().waitFor();

    const violations = await axeViolations(page);
    assert.deepEqual(violations, [], violations.join('\n'));

    await page.reload();
    assert.equal(await page.getByTestId('captions-toggle').getAttribute('aria-pressed'), 'true', 'the choice is remembered');
  });

  it('(2) a Space in a language the engine lacks says so', async () => {
    const fr = (await server.request('POST', '/api/v1/spaces', { token, body: { title: 'Chapitre un', language: 'fr' } })).body.id;
    assert.equal((await server.request('POST', `/api/v1/spaces/${fr}/start`, { token })).status, 200);
    await page.goto(`${server.url}/s/${fr}`);
    await page.getByTestId('captions-unavailable').waitFor();
    assert.match(await page.getByTestId('captions-unavailable').innerText(), /not available.*\(fr\)/);
    await server.request('POST', `/api/v1/spaces/${fr}/end`, { token });
  });

  it('(3) the replay: transcript beside the player, search, a line seeks the audio, downloads, axe', async () => {
    // Wait for the third sentence to have been captioned before ending.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const cues = await (await fetch(`${server.url}/hls/${spaceId}/captions/cues.json`)).json() as { cues: unknown[] };
      if (cues.cues.length >= 3) break;
      if (Date.now() > deadline) throw new Error('three caption lines never came');
      await new Promise((r) => setTimeout(r, 250));
    }
    await publisher!.close();
    assert.equal((await server.request('POST', `/api/v1/spaces/${spaceId}/end`, { token })).status, 200);
    await page.goto(`${server.url}/s/${spaceId}`);
    const transcript = page.getByTestId('transcript');
    await transcript.waitFor();
    const lines = transcript.locator('button.line');
    const count = await lines.count();
    assert.ok(count >= 3, `${count} lines`);
    assert.match(await lines.first().innerText(), /0:0\d Marianne D\.:/);

    await page.getByLabel('Search the transcript').fill('young man');
    await page.locator('.transcript [role="status"]', { hasText: 'matching line' }).waitFor();
    assert.ok((await lines.count()) < count, 'the search filters the lines');
    await page.getByLabel('Search the transcript').fill('');

    const last = lines.nth(count - 1);
    const start = Number(await last.getAttribute('data-start'));
    assert.ok(start > 2, `the last line starts at ${start} s`);
    await last.click();
    // Functions, not strings: a string predicate is eval'd in the page at each poll, which the
    // page's Content-Security-Policy refuses once the condition is not true at the first look.
    await page.waitForFunction((min) => {
      const audio = (globalThis as unknown as PageDocument).document.querySelector('[data-testid="replay-audio"]') as { currentTime: number } | null;
      return audio !== null && audio.currentTime >= min;
    }, start - 0.1);
    await page.waitForFunction(() => (globalThis as unknown as PageDocument).document.querySelector('.transcript button.line[aria-current="true"]') !== null);

    const vtt = await page.locator('a', { hasText: 'WebVTT' }).getAttribute('href');
    const txt = await page.locator('a', { hasText: '(text)' }).getAttribute('href');
    assert.match((await (await fetch(vtt!)).text()), /^WEBVTT[\s\S]*<v Marianne D\.>/);
    assert.match((await (await fetch(txt!)).text()), /\] Marianne D\.: /);

    const violations = await axeViolations(page);
    assert.deepEqual(violations, [], violations.join('\n'));
    await page.evaluate(`localStorage.setItem('tribune.lang', 'fr')`);
    await page.reload();
    await page.getByLabel('Rechercher dans la transcription').waitFor();
    const fr = await axeViolations(page);
    assert.deepEqual(fr, [], fr.join('\n'));
    assert.deepEqual(problems.filter((p) => /uncaught|console error/.test(p)), []);
  });
});
