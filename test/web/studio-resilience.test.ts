import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { axeViolations, launchChromium, measureAudio, RECORD_AIR, watchPage } from '../helpers/browser.js';
import { register, startTestServer, type TestServer } from '../helpers/control-server.js';
import { requireProgram } from '../helpers/require-program.js';
import { voiceWav } from '../helpers/voice-fixtures.js';
import { buildWeb } from '../helpers/web-build.js';

const HOST_HZ = 600;
const SPEAKER_HZ = 1500;
const PRESENT = 0.01;

const available = requireProgram('chromium') && requireProgram('espeak-ng') && requireProgram('sox');

describe('the studio and the speaker view survive what a live show does to them', { skip: !available, timeout: 240_000 }, () => {
  let server: TestServer;
  let dir: string;
  let hostBrowser: Browser;
  let speakerBrowser: Browser;
  let hostContext: BrowserContext;
  const contexts: BrowserContext[] = [];
  const problems: string[] = [];
  let studio: Page;
  let speaker: Page;
  let listener: Page;
  let spaceId = '';
  let usedInvite = '';

  async function newContext(browser: Browser): Promise<BrowserContext> {
    const context = await browser.newContext({ locale: 'en-GB', timezoneId: 'Europe/Paris', viewport: { width: 1000, height: 900 } });
    await context.grantPermissions(['microphone']);
    context.setDefaultTimeout(15_000);
    contexts.push(context);
    return context;
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tribune-resilience-'));
    const hostWav = voiceWav(dir, 'host', { text: 'Good evening and welcome.', voice: 'en', toneHz: HOST_HZ });
    const speakerWav = voiceWav(dir, 'speaker', { text: 'Bonsoir à tous.', voice: 'fr', toneHz: SPEAKER_HZ });
    await buildWeb();
    server = await startTestServer({ server: { media: true } });
    [hostBrowser, speakerBrowser] = await Promise.all([launchChromium(hostWav), launchChromium(speakerWav)]);
    hostContext = await newContext(hostBrowser);
  });

  after(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await hostBrowser?.close().catch(() => {});
    await speakerBrowser?.close().catch(() => {});
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    // node-datachannel keeps a native handle open (see e2e.test.ts).
    setTimeout(() => process.exit(), 100).unref();
  });

  it('one login serves every tab: a studio opened in a new tab goes on air without logging in again', async () => {
    const home = watchPage(await hostContext.newPage(), 'home', problems);
    await home.goto(server.url);
    await home.getByRole('button', { name: 'No account? Create one' }).click();
    await home.getByLabel('Handle').fill('host_anna');
    await home.getByLabel('Password').fill('correct horse battery');
    await home.getByRole('button', { name: 'Create an account' }).click();
    await home.getByLabel('Title').fill('Resilient show');
    await home.getByRole('button', { name: 'Create and open the studio' }).click();
    await home.waitForURL(/\/s\/[^/]+\/studio$/);
    spaceId = /\/s\/([^/]+)\/studio$/.exec(home.url())![1]!;

    // A second tab of the same browser: no login form, no "log in again".
    studio = watchPage(await hostContext.newPage(), 'studio', problems);
    await studio.addInitScript(RECORD_AIR('on-air'));
    await studio.goto(`${server.url}/s/${spaceId}/studio`);
    await studio.getByRole('heading', { name: 'Resilient show' }).waitFor();
    assert.equal(await studio.getByLabel('Password').count(), 0, 'the studio asks for no password');
    await home.close();
    await studio.getByRole('button', { name: 'Allow and check my microphone' }).click();
    await studio.getByRole('button', { name: 'Go live' }).click();
    await studio.locator('[data-testid="on-air"][data-air="on-air"]').waitFor();
  });

  it('a speaker joins from an invite; the used link leaves the studio', async () => {
    await studio.getByRole('button', { name: 'Invite a speaker' }).click();
    usedInvite = await studio.getByLabel('Invite link (single use)').inputValue();
    speaker = watchPage(await (await newContext(speakerBrowser)).newPage(), 'speaker', problems);
    await speaker.addInitScript(RECORD_AIR('speaker-air'));
    await speaker.goto(usedInvite);
    await speaker.getByRole('button', { name: 'Allow and check my microphone' }).click();
    await speaker.getByLabel('Your name on stage').fill('Bruno');
    await speaker.getByRole('button', { name: 'Join the stage' }).click();
    await speaker.getByTestId('speaker-status').filter({ hasText: 'Your microphone is live.' }).waitFor();
    await studio.getByLabel('Invite link (single use)').waitFor({ state: 'detached' });

    listener = watchPage(await (await newContext(hostBrowser)).newPage(), 'listener', problems);
    await listener.goto(`${server.url}/s/${spaceId}?via=whep`);
    await listener.getByRole('button', { name: 'Listen live' }).click();
    await listener.locator('[data-status="playing"][data-via="whep"]').waitFor();
    await untilHeard(listener, HOST_HZ, 'the host before any reload');
  });

  it('the stage is an avatar grid, host first; a raised hand alerts the host; reactions float up; the speaker sees the room', async () => {
    const tiles = studio.locator('.stage.grid li');
    await waitUntil(async () => (await tiles.count()) === 2, 'two on stage');
    assert.equal(await tiles.first().getAttribute('data-role'), 'host');
    assert.equal(await tiles.first().locator('.avatar').innerText(), 'H', 'the initial of host_anna');

    const asker = await register(server, 'hand_raiser');
    assert.equal((await server.request('POST', `/api/v1/spaces/${spaceId}/speak-requests`, { token: asker.token })).status, 201);
    await studio.getByTestId('hand-alert').getByText('hand_raiser raised their hand to speak.').waitFor();

    // Reactions arrive through the cached room state (per-second rates): a few glyphs float up.
    const sendReactions = async () => { for (let i = 0; i < 6; i++) await server.request('POST', `/api/v1/spaces/${spaceId}/reactions`, { body: { reaction: i % 2 ? 'heart' : 'clap' } }); };
    await sendReactions();
    await studio.locator('[data-testid="floating-reactions"] .bubble svg').first().waitFor();
    await studio.emulateMedia({ reducedMotion: 'reduce' });
    await sendReactions();
    await studio.locator('.floating.still').waitFor();
    assert.equal(await studio.locator('.floating .bubble').count(), 0, 'nothing moves with reduced motion');
    await studio.emulateMedia({ reducedMotion: 'no-preference' });

    await speaker.getByTestId('speaker-listeners').waitFor();
    await speaker.getByRole('heading', { name: 'The room' }).waitFor();
  });

  it('a reload of the studio while on air warns first, then puts the host back on air by itself', async () => {
    const dialogs: string[] = [];
    studio.on('dialog', (d) => { dialogs.push(d.type()); void d.accept(); });
    await studio.reload();
    assert.deepEqual(dialogs, ['beforeunload'], 'the browser asked before leaving an on-air studio');
    // No press: the mic reopens (permission granted) and WHIP publishes again.
    await studio.locator('[data-testid="on-air"][data-air="on-air"]').waitFor({ timeout: 20_000 });
    const seen = await studio.evaluate('window.__air') as string[];
    assert.ok(seen[0]?.startsWith('reconnecting:'), `the studio said it was reconnecting first: ${seen.join(' > ')}`);
    await untilHeard(listener, HOST_HZ, 'the host after the reload');
  });

  it('when the origin drops the host\'s media (a lost session), the studio publishes again by itself', async () => {
    const { body: stage } = await server.request('GET', `/api/v1/spaces/${spaceId}/stage`);
    const hostSeat = stage.participants.find((p: { role: string }) => p.role === 'host');
    await studio.evaluate(RECORD_AIR('on-air'));
    server.stageMedia!.removeSeat(spaceId, hostSeat.id);
    await waitUntil(async () => ((await studio.evaluate('window.__air')) as string[]).some((v) => v.startsWith('reconnecting:')), 'the studio noticed');
    await studio.locator('[data-testid="on-air"][data-air="on-air"]').waitFor({ timeout: 20_000 });
    await untilHeard(listener, HOST_HZ, 'the host after the origin dropped the session');
  });

  it('a reload of the speaker view while on stage warns first, then rejoins by itself', async () => {
    const dialogs: string[] = [];
    speaker.on('dialog', (d) => { dialogs.push(d.type()); void d.accept(); });
    await speaker.reload();
    assert.deepEqual(dialogs, ['beforeunload']);
    await speaker.getByTestId('speaker-status').filter({ hasText: 'Your microphone is live.' }).waitFor({ timeout: 20_000 });
    assert.equal(await speaker.getByRole('button', { name: 'Join the stage' }).count(), 0);
    await untilHeard(listener, SPEAKER_HZ, 'the speaker after the reload');
  });

  it('when the origin drops a speaker\'s media, the speaker view publishes and listens again by itself', async () => {
    const { body: stage } = await server.request('GET', `/api/v1/spaces/${spaceId}/stage`);
    const bruno = stage.participants.find((p: { displayName: string }) => p.displayName === 'Bruno');
    await speaker.evaluate(RECORD_AIR('speaker-air'));
    server.stageMedia!.removeSeat(spaceId, bruno.id);
    await waitUntil(async () => ((await speaker.evaluate('window.__air')) as string[]).some((v) => v.startsWith('reconnecting:')), 'the speaker view noticed');
    await speaker.locator('[data-testid="speaker-air"][data-air="on-air"]').waitFor({ timeout: 20_000 });
    await untilHeard(listener, SPEAKER_HZ, 'the speaker after the origin dropped the session');
    let heard: Record<string, number> = {};
    for (let end = Date.now() + 15_000; Date.now() < end;) {
      heard = (await measureAudio(speaker, '[data-testid="stage-audio"]', [HOST_HZ], 1000)).tones;
      if (heard[HOST_HZ]! > PRESENT) break;
    }
    assert.ok(heard[HOST_HZ]! > PRESENT, `the speaker hears the host again: ${JSON.stringify(heard)}`);
  });

  it('a co-host on stage opens the studio in a new tab: no login again, and the host\'s controls', async () => {
    const context = await newContext(speakerBrowser);
    const carla = watchPage(await context.newPage(), 'cohost', problems);
    await carla.goto(server.url);
    await carla.getByRole('button', { name: 'No account? Create one' }).click();
    await carla.getByLabel('Handle').fill('cohost_carla');
    await carla.getByLabel('Password').fill('correct horse battery');
    await carla.getByRole('button', { name: 'Create an account' }).click();
    await carla.getByRole('heading', { name: 'Create a Space' }).waitFor();
    const { body: session } = await server.request('POST', '/api/v1/auth/login', { body: { handle: 'host_anna', password: 'correct horse battery' } });
    const { body: invite } = await server.request('POST', `/api/v1/spaces/${spaceId}/stage-tokens`, { token: session.token, body: { role: 'cohost' } });
    await carla.goto(`${server.url}/s/${spaceId}/join#${invite.token}`);
    await carla.getByRole('button', { name: 'Allow and check my microphone' }).click();
    await carla.getByRole('button', { name: 'Join the stage' }).click();
    await carla.getByTestId('speaker-status').filter({ hasText: 'Your microphone is live.' }).waitFor();

    const [tab] = await Promise.all([context.waitForEvent('page'), carla.getByRole('link', { name: 'Open the studio (co-host controls)' }).click()]);
    watchPage(tab, 'cohost-studio', problems);
    await tab.getByRole('heading', { name: 'Resilient show' }).waitFor();
    assert.equal(await tab.getByLabel('Password').count(), 0, 'no second login');
    await tab.getByRole('button', { name: 'Mute Bruno' }).click();
    await speaker.getByTestId('speaker-status').filter({ hasText: 'You are muted.' }).waitFor();
    // The co-host's microphone stays on its speaker view: the studio does not take it over.
    assert.equal(await tab.locator('[data-testid="on-air"][data-air="on-air"]').count(), 0);
    await tab.close();
    await carla.getByRole('button', { name: 'Leave the stage' }).click();
    await carla.getByText('You left the stage.').waitFor();
  });

  it('invites are checked on load: a used one and a made-up one say so before any mic check', async () => {
    const context = await newContext(speakerBrowser);
    const used = await context.newPage();
    await used.goto(usedInvite);
    await used.getByTestId('speaker-message').filter({ hasText: 'This invite link is invalid, expired or already used.' }).waitFor();
    assert.equal(await used.getByRole('button', { name: 'Allow and check my microphone' }).count(), 0);
    assert.equal(await used.getByText('Something went wrong').count(), 0);

    const madeUp = await context.newPage();
    await madeUp.goto(`${server.url}/s/${spaceId}/join#tkst_${'x'.repeat(43)}`);
    await madeUp.getByTestId('speaker-message').filter({ hasText: 'This invite link is invalid, expired or already used.' }).waitFor();
    assert.equal(await madeUp.getByRole('button', { name: 'Allow and check my microphone' }).count(), 0);
  });

  it('after the end everything settles: a summary and the replay link in the studio, "ended" for the speaker, nobody speaking', async () => {
    await studio.getByRole('button', { name: 'End the Space' }).click();
    await studio.getByRole('button', { name: 'Yes, end it for everyone' }).click();
    const summary = studio.getByTestId('ended-summary');
    await summary.waitFor();
    for (const label of ['Peak listeners', 'Listeners in all', 'Questions answered', 'Duration']) await summary.getByText(label).waitFor();
    await summary.getByRole('link', { name: 'Open the replay' }).waitFor();
    await studio.locator('.stage li').first().waitFor();
    assert.equal(await studio.getByRole('button', { name: /^Mute|^Remove/ }).count(), 0, 'no stage controls after the end');
    assert.equal(await studio.getByRole('meter').count(), 0, 'no mic meter after the end');
    await waitUntil(async () => (await studio.locator('.stage li.speaking').count()) === 0, 'nobody speaking in the studio');

    await speaker.getByTestId('speaker-message').filter({ hasText: 'This Space has ended.' }).waitFor();
    assert.equal(await speaker.getByText('You are no longer on stage.').count(), 0);
    assert.equal(await speaker.getByText('You are invited to speak').count(), 0, 'the invited label is gone');

    assert.deepEqual(await axeViolations(studio), [], 'the ended studio is accessible');
    assert.deepEqual(await axeViolations(speaker), [], 'the ended speaker view is accessible');
    await listener.getByTestId('replay-audio').waitFor();
    await waitUntil(async () => (await listener.locator('.stage li.speaking').count()) === 0, 'nobody speaking on the replay page');
  });

  it('no page logged an error or had a failed request (no DELETE of a session the server already closed)', () => {
    assert.deepEqual(problems, []);
  });
});

async function untilHeard(page: Page, hz: number, what: string): Promise<void> {
  let last: Record<string, number> = {};
  const end = Date.now() + 20_000;
  while (Date.now() < end) {
    last = (await measureAudio(page, '[data-testid="live-audio"]', [hz], 1000)).tones;
    if (last[hz]! > PRESENT) return;
  }
  assert.fail(`${what}: not heard (${JSON.stringify(last)})`);
}

async function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs = 8000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.fail(`timed out waiting for ${what}`);
}
