import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { hostGoesLive, launchChromium, measureAudio, RECORD_AIR, toneWav } from '../helpers/browser.js';
import { call, freePort } from '../helpers/origin-processes.js';
import { requireProgram } from '../helpers/require-program.js';
import { buildWeb } from '../helpers/web-build.js';

/**
 * The studio and a speaker page on air and a listener page in WHEP mode, in Chromium with a fake microphone, across
 * a kill -9 of their origin. The origin here is one embedded `tribune serve` (SQLite) restarted on
 * the same port and data directory (a three-origin cluster in the browser would triple the CPU on a
 * shared test machine; test/cluster/republish-processes.test.ts measures the cluster's move with node
 * clients). The restarted origin resumes the live Space; the pages must come back without a press:
 * the studio and the speaker view say "Reconnecting…" then "On air" without asking for the microphone again, the
 * listener returns to WHEP, the stage channel reconnects with ?after=, and the tone is heard again.
 */

const root = new URL('../..', import.meta.url).pathname;
const available = requireProgram('chromium');
const TONE_HZ = 1000;
const dir = mkdtempSync(join(tmpdir(), 'tribune-republish-web-'));
let child: ChildProcess | undefined;
let browser: Browser | undefined;

after(async () => {
  await browser?.close().catch(() => {});
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
  setTimeout(() => process.exit(), 100).unref();
});

function serve(port: number): Promise<ChildProcess> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/run-cli.ts', 'serve', '--port', String(port), '--host', '127.0.0.1',
    '--data-dir', join(dir, 'data'), '--udp-port', '0', '--advertise', '127.0.0.1', '--log-level', 'warn'], {
    cwd: root, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TRIBUNE_UNDER_ATTACK: 'off', TRIBUNE_SHED_EVENT_LOOP_MS: '60000', TRIBUNE_WRITES_PER_SECOND: '100000' },
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`did not start: ${out}`)), 60_000);
    proc.stdout!.on('data', (chunk) => {
      out += String(chunk);
      if (/live on http/.test(out)) { clearTimeout(timer); resolve(proc); }
    });
    proc.stderr!.on('data', (chunk) => { out += String(chunk); });
    proc.once('exit', (code) => { clearTimeout(timer); reject(new Error(`exited (${code}): ${out}`)); });
  });
}

async function heard(page: Page, selector: string, within: number): Promise<number> {
  let level = 0;
  for (const end = Date.now() + within; Date.now() < end;) {
    level = (await measureAudio(page, selector, [TONE_HZ], 1000)).tones[TONE_HZ]!;
    if (level > 0.01) return level;
  }
  return level;
}

test('the studio, the speaker view and a WHEP listener come back by themselves after their origin is killed', { skip: !available, timeout: 240_000 }, async () => {
  const wav = join(dir, 'tone.wav');
  toneWav(wav, TONE_HZ);
  await buildWeb();
  const port = await freePort();
  child = await serve(port);
  const origin = { url: `http://127.0.0.1:${port}` };
  browser = await launchChromium(wav);
  const context = await browser.newContext({ locale: 'en-GB' });
  await context.grantPermissions(['microphone']);
  context.setDefaultTimeout(20_000);
  const sockets: string[] = [];

  // The host: an account, a Space, the studio on air, all through the pages.
  const studio = await context.newPage();
  studio.on('websocket', (ws) => sockets.push(ws.url()));
  await studio.addInitScript(RECORD_AIR('on-air'));
  const spaceId = await hostGoesLive(studio, origin.url, 'host_anna', 'Comes back');
  const host = (await call(origin, 'POST', '/api/v1/auth/login', { body: { handle: 'host_anna', password: 'correct horse battery' } })).body;
  const invite = (await call(origin, 'POST', `/api/v1/spaces/${spaceId}/stage-tokens`, { token: host.token, body: { role: 'speaker' } })).body;

  // A guest speaker from an invite, in a browser of their own.
  const speaker = await (await (async () => {
    const c = await browser!.newContext({ locale: 'en-GB' });
    await c.grantPermissions(['microphone']);
    c.setDefaultTimeout(20_000);
    return c;
  })()).newPage();
  speaker.on('websocket', (ws) => sockets.push(ws.url()));
  await speaker.addInitScript(RECORD_AIR('speaker-air'));
  await speaker.goto(`${origin.url}/s/${spaceId}/join#${invite.token}`);
  await speaker.getByRole('button', { name: 'Allow and check my microphone' }).click();
  await speaker.getByLabel('Your name on stage').fill('Bruno');
  await speaker.getByRole('button', { name: 'Join the stage' }).click();
  await speaker.getByTestId('speaker-status').filter({ hasText: 'Your microphone is live.' }).waitFor();

  const listener = await (await browser.newContext({ locale: 'fr-FR' })).newPage();
  await listener.goto(`${origin.url}/s/${spaceId}?via=whep`);
  await listener.getByRole('button', { name: 'Écouter en direct' }).click();
  await listener.locator('[data-status="playing"][data-via="whep"]').waitFor();
  assert.ok(await heard(listener, 'audio', 15_000) > 0.01, 'the stage is heard before the kill');
  // The channels have delivered at least one event with an id to resume after.
  await call(origin, 'POST', `/api/v1/spaces/${spaceId}/speak-requests`, { token: (await call(origin, 'POST', '/api/v1/auth/register', { body: { handle: 'fan', password: 'correct horse battery' } })).body.token });
  const pages = { studio, speaker };
  const asksBefore = { studio: await studio.evaluate('window.__micAsks') as number, speaker: await speaker.evaluate('window.__micAsks') as number };
  for (const page of Object.values(pages)) await page.evaluate('window.__air = []');
  const socketsBefore = sockets.length;

  const killedAt = Date.now();
  child.kill('SIGKILL');
  await new Promise((resolve) => child!.once('exit', resolve));
  const reconnecting = () => (globalThis as unknown as { __air: string[] }).__air.some((v) => v.startsWith('reconnecting'));
  await speaker.waitForFunction(reconnecting, undefined, { timeout: 10_000 });
  await studio.waitForFunction(reconnecting, undefined, { timeout: 10_000 });
  const noticedMs = Date.now() - killedAt;
  child = await serve(port);
  const restartedMs = Date.now() - killedAt;
  await speaker.locator('[data-testid="speaker-air"][data-air="on-air"]').waitFor({ timeout: 30_000 });
  const onAirMs = Date.now() - killedAt;
  await studio.locator('[data-testid="on-air"][data-air="on-air"]').waitFor({ timeout: 30_000 });
  const studioOnAirMs = Date.now() - killedAt;
  for (const [name, page] of Object.entries(pages)) {
    const seen = await page.evaluate('window.__air') as string[];
    // Recorded since just before the kill: on air, then "Reconnecting…" before anything else.
    const from = seen.indexOf('reconnecting: Reconnecting…');
    assert.ok(from >= 0 && seen.slice(0, from).every((v) => v === 'on-air: On air'), `${name} said it was reconnecting first: ${seen.join(' > ')}`);
    assert.equal(seen[seen.length - 1], 'on-air: On air', `${name}: ${seen.join(' > ')}`);
    assert.equal(await page.evaluate('window.__micAsks'), asksBefore[name as keyof typeof pages], `${name}: no new microphone prompt`);
  }
  await listener.locator('[data-status="playing"][data-via="whep"]').waitFor({ timeout: 30_000 });
  const whepMs = Date.now() - killedAt;
  assert.ok(await heard(listener, 'audio', 20_000) > 0.01, 'the stage is heard again over WHEP');
  const toneMs = Date.now() - killedAt;
  const resumed = sockets.slice(socketsBefore);
  assert.ok(resumed.length >= 2 && resumed.every((u) => /[?&]after=/.test(u)), `both stage channels resumed with ?after=: ${resumed.join(' ')}`);
  process.stdout.write(`# browser, embedded origin kill -9 and restart on the same port: both views said reconnecting by ${noticedMs} ms, origin back at ${restartedMs} ms, `
    + `speaker view "On air" at ${onAirMs} ms, studio at ${studioOnAirMs} ms, WHEP listener playing at ${whepMs} ms, tone heard by ${toneMs} ms\n`);
});
