import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAudience } from '../../src/audience/index.js';
import { buildAudienceApp } from '../helpers/audience-app.js';
import { parsePlaylist } from '../helpers/hls-playlist.js';
import { encodeProgram, speechPcm } from '../helpers/speech-program.js';

/**
 * Two origins package the same programme: one from its first frame, the other joining 3.46 s later
 * with the first one's epoch. Every name the second lists is the first's, with the same bytes.
 */
test('an origin joining a stream with its epoch produces the same names and the same bytes', async (t) => {
  const dirs = [mkdtempSync(join(tmpdir(), 'tribune-epoch-a-')), mkdtempSync(join(tmpdir(), 'tribune-epoch-b-'))];
  const [a, b] = dirs.map((dataDir) => createAudience({ dataDir, fsync: false }));
  const [appA, appB] = await Promise.all([buildAudienceApp(a!), buildAudienceApp(b!)]);
  t.after(async () => {
    await appA.close(); await appB.close(); await a!.close(); await b!.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  const t0 = Date.UTC(2026, 10, 30, 20, 0, 0);
  const frames = encodeProgram(speechPcm('Two chains carry the same programme, and losing one is inaudible. '.repeat(3)), t0, 48_000 * 3600);
  assert.ok(frames.length > 500);
  const sinkA = a!.begin('sp');
  sinkA.push(frames[0]!);
  const epoch = a!.epoch('sp');
  assert.deepEqual(epoch, { pts: 48_000 * 3600, msn: 0, decodeTime: 0, fragmentSequence: 1 });
  for (const f of frames.slice(1)) sinkA.push(f);

  const JOIN_AT = 173; // mid-part, mid-segment: the joiner starts at the next segment
  const sinkB = b!.begin('sp', { join: epoch });
  sinkB.push({ ...frames[JOIN_AT]!, pts: frames[JOIN_AT]!.pts + 1 }); // off the frame grid: ignored
  for (const f of frames.slice(JOIN_AT)) sinkB.push(f);

  const listA = parsePlaylist((await appA.inject('/hls/sp/audio.m3u8')).body);
  const listB = parsePlaylist((await appB.inject('/hls/sp/audio.m3u8')).body);
  // Frame 173 lies in segment 2 (frames 140-239): the joiner's first segment is 3.
  assert.equal(listB.mediaSequence, 3);
  const names = (p: typeof listA): string[] => [...p.segments.flatMap((s) => [s.uri, ...s.parts.map((x) => x.uri)]), ...p.trailingParts.map((x) => x.uri)];
  const inA = new Set(names(listA));
  const fromB = names(listB);
  assert.ok(fromB.length >= 10, `the joiner lists ${fromB.length} names`);
  for (const name of [...fromB, 'init.mp4']) {
    assert.ok(name === 'init.mp4' || inA.has(name), `${name} is listed by the first origin too`);
    const [ra, rb] = await Promise.all([appA.inject(`/hls/sp/${name}`), appB.inject(`/hls/sp/${name}`)]);
    assert.equal(ra.statusCode, 200, name);
    assert.equal(rb.statusCode, 200, name);
    assert.ok(ra.rawPayload.equals(rb.rawPayload), `${name}: the same bytes from both origins`);
  }
  // The same dates and durations for the same segments.
  for (const s of listB.segments) {
    const same = listA.segments.find((x) => x.uri === s.uri)!;
    assert.equal(s.duration, same.duration);
    assert.equal(s.programDateTime, same.programDateTime, s.uri);
  }
});
