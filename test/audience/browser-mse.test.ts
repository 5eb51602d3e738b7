import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAudience } from '../../src/audience/index.js';
import { buildAudienceApp, FULL_FIRST_SEGMENT } from '../helpers/audience-app.js';
import { requireProgram } from '../helpers/require-program.js';
import { encodeProgram, speechPcm } from '../helpers/speech-program.js';

const CHROMIUM = '/usr/bin/chromium';

/** Appends init.mp4 and the parts to a SourceBuffer; returns the buffered ranges and any error. */
const MSE_APPEND = `async ({ parts, codecs }) => {
  const ms = new MediaSource();
  const audio = document.createElement('audio');
  audio.src = URL.createObjectURL(ms);
  await new Promise((r) => ms.addEventListener('sourceopen', r, { once: true }));
  const sb = ms.addSourceBuffer('audio/mp4; codecs="' + codecs + '"');
  const errors = [];
  sb.addEventListener('error', () => errors.push('sourcebuffer error'));
  for (const uri of ['init.mp4', ...parts]) {
    const data = await (await fetch(uri)).arrayBuffer();
    sb.appendBuffer(data);
    await new Promise((r) => sb.addEventListener('updateend', r, { once: true }));
  }
  const ranges = [];
  for (let i = 0; i < sb.buffered.length; i++) ranges.push([sb.buffered.start(i), sb.buffered.end(i)]);
  return { ranges, errors };
}`;

test('Chromium MSE accepts the init segment and the parts (codecs "opus" and "Opus")', { skip: !requireProgram('chromium'), timeout: 60_000 }, async (t) => {
  const { chromium } = await import('playwright-core');
  const dataDir = mkdtempSync(join(tmpdir(), 'tribune-mse-'));
  const audience = createAudience({ ...FULL_FIRST_SEGMENT, dataDir, fsync: false });
  const app = await buildAudienceApp(audience);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--autoplay-policy=no-user-gesture-required'] });
  t.after(async () => {
    await browser.close();
    await app.close();
    await audience.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const sink = audience.begin('mse');
  for (const f of encodeProgram(speechPcm('Testing the browser path, one part at a time.'))) sink.push(f);
  const playlist = (await app.inject('/hls/mse/audio.m3u8')).body;
  const parts = [...playlist.matchAll(/#EXT-X-PART:.*URI="(part-[\d.]+\.m4s)"/g)].map((m) => m[1]!);
  assert.ok(parts.length >= 5);
  const page = await browser.newPage();
  const { port } = app.server.address() as { port: number };
  await page.goto(`http://127.0.0.1:${port}/hls/mse/init.mp4`); // same origin for fetch()
  for (const codecs of ['opus', 'Opus']) {
    // Runs in the page (DOM types are not in this project's lib, hence a string).
    const result = await page.evaluate(`(${MSE_APPEND})(${JSON.stringify({ parts, codecs })})`) as { ranges: number[][]; errors: string[] };
    assert.deepEqual(result.errors, []);
    assert.equal(result.ranges.length, 1, `one contiguous buffered range (${JSON.stringify(result.ranges)})`);
    const [start, end] = result.ranges[0]!;
    t.diagnostic(`codecs="${codecs}": buffered ${start!.toFixed(3)}..${end!.toFixed(3)} s for ${parts.length} parts`);
    // Every part buffered exactly where the playlist puts it: an edit list that trimmed the pre-skip
    // shifted every part 6.5 ms early, and hls.js then fetched a segment's last part again and again.
    assert.ok(Math.abs(start!) < 0.001, `buffered from 0 (${start})`);
    const partTarget = Number(/#EXT-X-PART-INF:PART-TARGET=([\d.]+)/.exec(playlist)![1]);
    assert.ok(Math.abs(end! - parts.length * partTarget) < 0.001, 'every part buffered, ending on the part grid');
  }
});
