import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { axeViolations, launchChromium, measureAudio, watchPage, type PageDocument } from '../helpers/browser.js';
import { AuthService } from '../../src/services/auth-service.js';
import { systemClock } from '../../src/services/clock.js';
import { register, startTestServer, type TestServer } from '../helpers/control-server.js';
import { requireProgram } from '../helpers/require-program.js';
import { voiceWav } from '../helpers/voice-fixtures.js';
import { buildWeb } from '../helpers/web-build.js';

// Each voice carries a pulsed pilot tone: the host's at 600 Hz, the speaker's at 1500 Hz.
const HOST_HZ = 600;
const SPEAKER_HZ = 1500;
const TONES = [HOST_HZ, SPEAKER_HZ];
/** A tone counts as present above this (relative FFT magnitude), absent below a tenth of it. */
const PRESENT = 0.01;
const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'web');

const available = requireProgram('chromium') && requireProgram('espeak-ng') && requireProgram('sox');

describe('web app in a real browser', { skip: !available, timeout: 240_000 }, () => {
  let server: TestServer;
  let dir: string;
  let hostBrowser: Browser;
  let speakerBrowser: Browser;
  const contexts: BrowserContext[] = [];
  const problems: string[] = [];
  let host: Page;
  let speaker: Page;
  let listener: Page;
  let listener2: Page;
  let moderation: Page;
  let listenUrl = '';
  let spaceId = '';
  let laterId = '';

  async function newPage(browser: Browser, name: string): Promise<Page> {
    const context = await browser.newContext({ locale: 'en-GB', timezoneId: 'Europe/Paris', viewport: { width: 1100, height: 900 } });
    await context.grantPermissions(['microphone', 'clipboard-read', 'clipboard-write']);
    context.setDefaultTimeout(15_000);
    contexts.push(context);
    return watchPage(await context.newPage(), name, problems);
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tribune-web-'));
    mkdirSync(ARTIFACTS, { recursive: true });
    const hostWav = voiceWav(dir, 'host', { text: 'Good evening and welcome to Tribune. Tonight we talk about the future of public broadcasting.', voice: 'en', toneHz: HOST_HZ });
    const speakerWav = voiceWav(dir, 'speaker', { text: 'Bonsoir à tous, et merci de me recevoir ce soir sur Tribune.', voice: 'fr', toneHz: SPEAKER_HZ });
    await buildWeb();
    server = await startTestServer({ server: { media: true } });
    [hostBrowser, speakerBrowser] = await Promise.all([launchChromium(hostWav), launchChromium(speakerWav)]);
    host = await newPage(hostBrowser, 'host');
    speaker = await newPage(speakerBrowser, 'speaker');
    listener = await newPage(hostBrowser, 'listener');
    listener2 = await newPage(speakerBrowser, 'listener2');
  });

  after(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await hostBrowser?.close().catch(() => {});
    await speakerBrowser?.close().catch(() => {});
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    // node-datachannel (the stage's WebRTC engine) keeps a native handle open after its sessions
    // close, so the file would never end: exit once the runner has recorded the results (as the
    // stage suites do, test/helpers/wrtc-peers.ts). process.exitCode already carries any failure.
    setTimeout(() => process.exit(), 100).unref();
  });

  it('(1) a host registers, creates a Space, goes live and invites; a speaker joins from the link; a listener presses play', async () => {
    await host.goto(server.url);
    await host.getByRole('button', { name: 'No account? Create one' }).click();
    await host.getByLabel('Handle').fill('anna_host');
    await host.getByLabel('Display name (optional)').fill('Anna');
    await host.getByLabel('Password').fill('correct horse battery');
    await host.getByRole('button', { name: 'Create an account' }).click();
    await host.getByLabel('Title').fill('Public radio tonight');
    await host.getByRole('button', { name: 'Create and open the studio' }).click();
    await host.waitForURL(/\/s\/[^/]+\/studio$/);
    spaceId = /\/s\/([^/]+)\/studio$/.exec(host.url())![1]!;
    listenUrl = `${server.url}/s/${spaceId}`;

    await host.getByRole('button', { name: 'Allow and check my microphone' }).click();
    await host.getByRole('button', { name: 'Go live' }).click();
    await host.getByTestId('on-air').filter({ hasText: 'On air' }).waitFor();
    await host.getByRole('button', { name: 'Invite a speaker' }).click();
    const inviteUrl = await host.getByLabel('Invite link (single use)').inputValue();
    assert.match(inviteUrl, new RegExp(`/s/${spaceId}/join#tkst_`));

    await speaker.goto(inviteUrl);
    await speaker.getByRole('button', { name: 'Allow and check my microphone' }).click();
    await speaker.getByLabel('Your name on stage').fill('Bruno');
    await speaker.getByRole('button', { name: 'Join the stage' }).click();
    await speaker.getByTestId('speaker-status').filter({ hasText: 'Your microphone is live.' }).waitFor();
    assert.ok(!speaker.url().includes('#'), 'the invite token is removed from the address bar');

    await listener.goto(listenUrl);
    await listener.getByRole('heading', { name: 'Public radio tonight' }).waitFor();
    await listener.getByRole('button', { name: 'Listen live' }).click();
    await listener.locator('[data-status="playing"]').waitFor({ timeout: 15_000 });
    await listener.locator('.stage li.speaking').first().waitFor({ timeout: 10_000 });
  });

  it('(2) the listener hears the stage: speech-level energy over LL-HLS and over WHEP', async () => {
    const hls = await measureAudio(listener, '[data-testid="live-audio"]', TONES);
    assert.ok(hls.rms > 0.02, `LL-HLS rms ${hls.rms}`);
    assert.ok(hls.tones[HOST_HZ]! > PRESENT && hls.tones[SPEAKER_HZ]! > PRESENT, `LL-HLS tones ${JSON.stringify(hls.tones)}`);

    await listener2.goto(`${listenUrl}?via=whep`);
    await listener2.getByRole('button', { name: 'Listen live' }).click();
    await listener2.locator('[data-status="playing"][data-via="whep"]').waitFor({ timeout: 15_000 });
    const whep = await measureAudio(listener2, '[data-testid="live-audio"]', TONES);
    assert.ok(whep.rms > 0.02, `WHEP rms ${whep.rms}`);
    assert.ok(whep.tones[HOST_HZ]! > PRESENT && whep.tones[SPEAKER_HZ]! > PRESENT, `WHEP tones ${JSON.stringify(whep.tones)}`);
  });

  it('(3) the speaker hears the host and not themselves (mix-minus)', async () => {
    const heard = await measureAudio(speaker, '[data-testid="stage-audio"]', TONES);
    assert.ok(heard.rms > 0.02, `speaker rms ${heard.rms}`);
    assert.ok(heard.tones[HOST_HZ]! > PRESENT, `host tone at the speaker ${JSON.stringify(heard.tones)}`);
    assert.ok(heard.tones[SPEAKER_HZ]! < heard.tones[HOST_HZ]! / 10, `own tone at the speaker ${JSON.stringify(heard.tones)}`);
  });

  it('(4) Q&A: asked, approved and highlighted by the host, shown highlighted; an upvote reorders', async () => {
    for (const [page, handle] of [[listener, 'lea_listens'], [listener2, 'marc_listens']] as const) {
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByRole('button', { name: 'No account? Create one' }).click();
      await page.getByLabel('Handle').fill(handle);
      await page.getByLabel('Password').fill('correct horse battery');
      await page.getByRole('button', { name: 'Create an account' }).click();
      await page.getByLabel('Your question (280 characters at most)').waitFor();
    }
    await listener.getByLabel('Your question (280 characters at most)').fill('Who pays for public radio?');
    await listener.getByRole('button', { name: 'Send the question' }).click();
    await listener2.getByLabel('Your question (280 characters at most)').fill('Will the archive stay online?');
    await listener2.getByRole('button', { name: 'Send the question' }).click();
    const third = await register(server, 'zoe_listens');
    assert.equal((await server.request('POST', `/api/v1/spaces/${spaceId}/questions`, { token: third.token, body: { text: 'Is there a podcast?' } })).status, 201);

    for (const text of ['Who pays for public radio?', 'Will the archive stay online?', 'Is there a podcast?']) {
      await host.getByRole('button', { name: `Approve: ${text}` }).click();
      await host.getByRole('button', { name: `Highlight: ${text}` }).waitFor();
    }
    await host.getByRole('button', { name: 'Highlight: Who pays for public radio?' }).click();
    await listener.getByTestId('highlighted').filter({ hasText: 'Who pays for public radio?' }).waitFor({ timeout: 5000 });

    const order = () => listener.getByTestId('top-questions').locator('.text').allTextContents();
    await waitFor(async () => (await order()).join('|') === 'Will the archive stay online?|Is there a podcast?', 'first order');
    await listener2.getByRole('button', { name: 'Upvote: Is there a podcast?' }).click();
    await waitFor(async () => (await order()).join('|') === 'Is there a podcast?|Will the archive stay online?', 'order after the upvote');
  });

  it('(5) the host mutes the speaker: their voice drops to silence at the listener', async () => {
    const before = await measureAudio(listener, '[data-testid="live-audio"]', TONES);
    assert.ok(before.tones[SPEAKER_HZ]! > PRESENT, `speaker heard before ${JSON.stringify(before.tones)}`);
    await host.getByRole('button', { name: 'Mute Bruno' }).click();
    await speaker.getByTestId('speaker-status').filter({ hasText: 'You are muted.' }).waitFor({ timeout: 5000 });
    // The LL-HLS listener is a second or more behind the stage: read until the unmuted audio has drained.
    let after = await measureAudio(listener, '[data-testid="live-audio"]', TONES, 1500);
    for (let i = 0; i < 8 && after.tones[SPEAKER_HZ]! >= before.tones[SPEAKER_HZ]! / 4; i++) after = await measureAudio(listener, '[data-testid="live-audio"]', TONES, 1500);
    assert.ok(after.tones[HOST_HZ]! > PRESENT, `host still heard ${JSON.stringify(after.tones)}`);
    // The speaker's tone is gone (more than 12 dB down; what is left at 1500 Hz is the host's speech).
    assert.ok(after.tones[SPEAKER_HZ]! < before.tones[SPEAKER_HZ]! / 4, `muted speaker silent: before ${JSON.stringify(before.tones)}, after ${JSON.stringify(after.tones)}`);
  });

  it('(6) every page in English and French: screenshots, and axe finds no serious violation', async () => {
    moderation = await newPage(hostBrowser, 'moderation');
    // The operator makes the host an admin (tribune admin create), so the console opens for them too.
    await new AuthService(server.store, systemClock, { sessionTtlDays: 1 }).createAdmin({ handle: 'anna_host' });
    await moderation.goto(server.url);
    await moderation.getByRole('button', { name: 'Log in' }).first().waitFor();
    await moderation.getByLabel('Handle').fill('anna_host');
    await moderation.getByLabel('Password').fill('correct horse battery');
    await moderation.getByRole('button', { name: 'Log in' }).last().click();
    await moderation.getByRole('link', { name: 'Moderation' }).click();
    await moderation.getByRole('button', { name: 'Open: Public radio tonight' }).click();
    await moderation.getByRole('heading', { name: 'Public radio tonight' }).waitFor();

    const home = await newPage(speakerBrowser, 'home');
    await home.goto(server.url);
    await home.getByRole('link', { name: 'Public radio tonight' }).waitFor();

    const pages: Array<[string, Page]> = [['home', home], ['listener', listener], ['speaker', speaker], ['studio', host], ['moderation', moderation]];
    const violations: string[] = [];
    for (const lang of ['en', 'fr'] as const) {
      for (const [name, page] of pages) {
        await page.getByRole('button', { name: lang === 'en' ? 'English' : 'Français' }).click();
        // A function, not a string: a string predicate is eval'd at each poll, which the page's CSP refuses.
        await page.waitForFunction((want) => (globalThis as unknown as PageDocument).document.documentElement.lang === want, lang);
        await page.screenshot({ path: join(ARTIFACTS, `${name}-${lang}.png`), fullPage: true });
        for (const v of await axeViolations(page)) violations.push(`${name} (${lang}): ${v}`);
      }
    }
    assert.deepEqual(violations, []);
    assert.equal(await listener.getByRole('heading', { name: 'Questions' }).count(), 1);
  });

  it('(7) before the start: a countdown in the viewer\'s language and zone; the audio starts by itself at go-live', async () => {
    const { body: session } = await server.request('POST', '/api/v1/auth/login', { body: { handle: 'anna_host', password: 'correct horse battery' } });
    const at = new Date(Date.now() + 2 * 3600_000 + 60_000).toISOString();
    const { body: later } = await server.request('POST', '/api/v1/spaces', { token: session.token, body: { title: 'Later tonight', scheduledStart: at, timeZone: 'America/New_York' } });
    laterId = later.id;
    const waiting = await newPage(speakerBrowser, 'waiting');
    await waiting.goto(`${server.url}/s/${later.id}`);
    await waiting.getByRole('button', { name: 'Français' }).click();
    await waiting.getByText('Commence dans 2 heures').waitFor();
    // The viewer is in Paris (the context's zone), whatever the host's zone: the time is theirs.
    const expected = new Intl.DateTimeFormat('fr', { dateStyle: 'full', timeStyle: 'short', timeZone: 'Europe/Paris' }).format(new Date(at));
    await waiting.getByText(expected, { exact: false }).waitFor();
    await waiting.screenshot({ path: join(ARTIFACTS, 'listener-countdown-fr.png'), fullPage: true });
    assert.equal((await server.request('POST', `/api/v1/spaces/${later.id}/start`, { token: session.token })).status, 200);
    await waiting.locator('[data-status="playing"]').waitFor({ timeout: 15_000 });
  });

  it('(8) a moderator ends the Space: the listener page offers the replay, seekable', async () => {
    await moderation.getByRole('button', { name: 'English' }).click();
    await listener.getByRole('button', { name: 'English' }).click();
    await moderation.getByRole('button', { name: 'End this Space' }).click();
    await moderation.getByRole('button', { name: 'Yes, end it for everyone' }).click();
    const replay = listener.getByTestId('replay-audio');
    await replay.waitFor({ timeout: 10_000 });
    // A function, not a string: the page's Content-Security-Policy refuses eval.
    await listener.waitForFunction(() => {
      const doc = (globalThis as unknown as { document: { querySelector(s: string): { duration: number } | null } }).document;
      return (doc.querySelector('[data-testid="replay-audio"]')?.duration ?? 0) > 5;
    }, undefined, { timeout: 10_000 });
    const seeked = await listener.evaluate(`(async () => { const a = document.querySelector('[data-testid="replay-audio"]'); a.currentTime = 3; await new Promise((r) => a.addEventListener('seeked', r, { once: true })); return a.currentTime; })()`) as number;
    assert.ok(seeked >= 2.5, `seeked to ${seeked}`);
    await listener.screenshot({ path: join(ARTIFACTS, 'listener-replay-en.png'), fullPage: true });
  });

  it('(9) a logged-in listener requests to speak, the host approves, the listener joins the stage', async () => {
    await listener2.goto(`${server.url}/s/${laterId}`);
    await listener2.getByRole('button', { name: 'Request to speak' }).click();
    await host.goto(`${server.url}/s/${laterId}/studio`);
    await host.getByRole('button', { name: 'English' }).click();
    await host.getByRole('button', { name: 'Approve' }).click();
    await listener2.getByRole('link', { name: 'You are approved: join the stage' }).click();
    await listener2.getByRole('button', { name: 'Allow and check my microphone' }).click();
    await listener2.getByRole('button', { name: 'Join the stage' }).click();
    await listener2.getByTestId('speaker-status').filter({ hasText: 'Your microphone is live.' }).waitFor();
    await host.locator('.stage li', { hasText: 'marc_listens' }).waitFor();
  });

  it('no page logged a console error or had a failed request', () => {
    assert.deepEqual(problems, []);
  });
});

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 6000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.fail(`timed out waiting for ${what}`);
}
