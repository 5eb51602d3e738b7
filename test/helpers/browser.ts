import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type Page } from 'playwright-core';

const require = createRequire(import.meta.url);

/** Debian's chromium, with a fake microphone playing `wav` (looped) and autoplay allowed. */
export function launchChromium(wav: string): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage',
      '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
      `--use-file-for-fake-audio-capture=${wav}`, '--autoplay-policy=no-user-gesture-required',
    ],
  });
}

/**
 * A WHIP/WHEP session resource: the pages probe it every second, and its 404 (the session is gone:
 * the Space ended, the seat was removed, the origin moved) is the answer they ask for, not an error.
 */
const SESSION_PROBE = /\/api\/v1\/spaces\/[^/]+\/(whip|whep)\/[^/?]+$/;

/**
 * Everything a page did wrong: console errors, uncaught exceptions, failed requests and HTTP errors.
 * Aborted requests are not failures (hls.js cancels held playlist reloads, navigation cancels fetches).
 */
export function watchPage(page: Page, name: string, problems: string[]): Page {
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !SESSION_PROBE.test(msg.location().url)) problems.push(`${name}: console error: ${msg.text()} @ ${msg.location().url}`);
  });
  page.on('pageerror', (err) => problems.push(`${name}: uncaught: ${err.message}`));
  page.on('requestfailed', (req) => {
    const why = req.failure()?.errorText ?? '';
    if (!why.includes('ERR_ABORTED')) problems.push(`${name}: request failed: ${req.method()} ${req.url()} ${why}`);
  });
  page.on('response', (res) => {
    if (res.status() === 404 && res.request().method() === 'GET' && SESSION_PROBE.test(res.url())) return;
    if (res.status() >= 400) problems.push(`${name}: HTTP ${res.status()} ${res.request().method()} ${res.url()}`);
  });
  return page;
}

export interface AudioReading {
  /** RMS of the signal, full scale = 1. */
  rms: number;
  /** Linear magnitude (0..1, relative) at each asked frequency, averaged over the window. */
  tones: Record<string, number>;
}

const METER_SOURCE = readFileSync(new URL('./page-audio-meter.js', import.meta.url), 'utf8');

/** Listens to an <audio> element from inside the page for `ms` (see page-audio-meter.js). */
export async function measureAudio(page: Page, selector: string, frequencies: number[], ms = 2500): Promise<AudioReading> {
  // Evaluated rather than added as a <script>: the pages' Content-Security-Policy refuses inline scripts.
  if (!(await page.evaluate('typeof window.__tribuneMeasure === "function"'))) await page.evaluate(METER_SOURCE);
  return page.evaluate(`window.__tribuneMeasure(${JSON.stringify(selector)}, ${JSON.stringify(frequencies)}, ${ms})`) as Promise<AudioReading>;
}

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core on the page as it is now; returns the serious and critical violations, described. */
export async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(AXE_SOURCE);
  // A string, evaluated in the page: the node-side tsconfig has no DOM types.
  const violations = await page.evaluate(`window.axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 3).map((n) => JSON.stringify(n.target)),
  })))`) as Array<{ id: string; impact: string | null; help: string; targets: string[] }>;
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.impact} ${v.id}: ${v.help} ${v.targets.join(' ')}`);
}

/** 10 s of a tone at half scale, 48 kHz mono WAV: Chromium's fake microphone (launchChromium) loops it. */
export function toneWav(path: string, hz: number): void {
  const rate = 48_000;
  const samples = rate * 10;
  const wav = Buffer.alloc(44 + samples * 2);
  wav.write('RIFF', 0); wav.writeUInt32LE(36 + samples * 2, 4); wav.write('WAVE', 8);
  wav.write('fmt ', 12); wav.writeUInt32LE(16, 16); wav.writeUInt16LE(1, 20); wav.writeUInt16LE(1, 22);
  wav.writeUInt32LE(rate, 24); wav.writeUInt32LE(rate * 2, 28); wav.writeUInt16LE(2, 32); wav.writeUInt16LE(16, 34);
  wav.write('data', 36); wav.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i++) wav.writeInt16LE(Math.round(16_000 * Math.sin((2 * Math.PI * hz * i) / rate)), 44 + i * 2);
  writeFileSync(path, wav);
}

/**
 * An init script (or an evaluate): every "value: text" the air badge `testId` took goes to
 * window.__air, from the first paint on, and every getUserMedia call counts in window.__micAsks.
 */
export const RECORD_AIR = (testId: string): string => `(() => {
  window.__air = [];
  window.__micAsks = 0;
  const ask = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = (c) => { window.__micAsks += 1; return ask(c); };
  const seen = () => {
    const el = document.querySelector('[data-testid="${testId}"]');
    const v = el && el.getAttribute('data-air') + ': ' + el.textContent;
    if (v && window.__air[window.__air.length - 1] !== v) window.__air.push(v);
  };
  new MutationObserver(seen).observe(document, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['data-air'] });
})()`;

/**
 * A host through the pages of `site` (an English page with a microphone allowed): an account, a
 * Space, the studio on air. Returns the Space's id once the studio says "On air".
 */
export async function hostGoesLive(studio: Page, site: string, handle: string, title: string): Promise<string> {
  await studio.goto(site);
  await studio.getByRole('button', { name: 'No account? Create one' }).click();
  await studio.getByLabel('Handle').fill(handle);
  await studio.getByLabel('Password').fill('correct horse battery');
  await studio.getByRole('button', { name: 'Create an account' }).click();
  await studio.getByLabel('Title').fill(title);
  await studio.getByRole('button', { name: 'Create and open the studio' }).click();
  await studio.waitForURL(/\/s\/[^/]+\/studio$/);
  const spaceId = /\/s\/([^/]+)\/studio$/.exec(studio.url())![1]!;
  await studio.getByRole('button', { name: 'Allow and check my microphone' }).click();
  await studio.getByRole('button', { name: 'Go live' }).click();
  await studio.locator('[data-testid="on-air"][data-air="on-air"]').waitFor();
  return spaceId;
}

/**
 * The little of a page's document that predicates run in the page use (the node-side tsconfig has no
 * DOM types): `(globalThis as unknown as PageDocument).document`.
 */
export interface PageDocument {
  readonly document: { readonly documentElement: { readonly lang: string }; querySelector(selector: string): unknown };
}
