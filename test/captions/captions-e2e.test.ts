import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startTestServer, register } from '../helpers/control-server.js';
import { exitAfterNdcTests } from '../helpers/exit-after-ndc.js';
import { requireProgram } from '../helpers/require-program.js';
import { librivoxAvailable, librivoxUtterances, pcm48k } from '../helpers/librivox.js';
import { CaptionReader } from '../helpers/caption-reader.js';
import { publishWhip } from '../../src/clients/index.js';
import { normaliseWords } from '../../src/captions/index.js';

exitAfterNdcTests();

const execFileAsync = promisify(execFile);

const available = librivoxAvailable();

async function until<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Recorded sentences with a second of silence after each, then silence for as long as asked. */
function speechSource(clips: Int16Array[]): () => Int16Array {
  const gap = new Int16Array(48_000);
  const all = new Int16Array(clips.reduce((n, c) => n + c.length + gap.length, 0));
  let at = 0;
  for (const c of clips) { all.set(c, at); at += c.length + gap.length; }
  let pos = 0;
  return () => {
    const frame = new Int16Array(960);
    if (pos < all.length) frame.set(all.subarray(pos, pos + 960));
    pos += 960;
    return frame;
  };
}

test('WHIP speech in from two speakers at once, WebVTT cues out of the LL-HLS subtitles rendition, each with its speaker\'s name; replay transcript; deleted with the recording', { skip: !available, timeout: 120_000 }, async (t) => {
  const server = await startTestServer({ server: { media: true }, overrides: { captions: { engine: 'pocketsphinx' } } });
  t.after(() => server.close());
  const host = await server.request('POST', '/api/v1/auth/register', { body: { handle: 'marianne', password: 'correct horse battery', displayName: 'Marianne D.' } });
  assert.equal(host.status, 201);
  const token = host.body.token as string;
  const space = await server.request('POST', '/api/v1/spaces', { token, body: { title: 'Chapter one', language: 'en' } });
  const id = space.body.id as string;
  assert.equal((await server.request('POST', `/api/v1/spaces/${id}/start`, { token })).status, 200);

  const utterances = librivoxUtterances().filter((u) => /0880|0930/.test(u.id));
  const publisher = await publishWhip({ url: `${server.url}/api/v1/spaces/${id}/whip`, bearer: token, source: speechSource(utterances.map((u) => pcm48k(u.wav))) });
  t.after(() => publisher.close());

  // A second speaker, a guest who took an invite under their own name, talks at the same time.
  const invite = await server.request('POST', `/api/v1/spaces/${id}/stage-tokens`, { token, body: { role: 'speaker' } });
  const redeemed = await server.request('POST', `/api/v1/spaces/${id}/stage-tokens/redeem`, { body: { token: invite.body.token, displayName: 'Elinor' } });
  assert.equal(redeemed.status, 200, JSON.stringify(redeemed.body));
  const guestSentence = librivoxUtterances().find((u) => u.id.endsWith('0890'))!;
  const guest = await publishWhip({ url: `${server.url}/api/v1/spaces/${id}/whip`, bearer: invite.body.token, source: speechSource([pcm48k(guestSentence.wav)]) });
  t.after(() => guest.close());

  const reader = new CaptionReader(`${server.url}/hls/${id}/`);
  await until('both speakers in the rendition', async () => {
    await reader.poll();
    return reader.cues.some((c) => /amiable|himself|made/.test(c.text)) && reader.cues.some((c) => c.speaker === 'Elinor') ? true : undefined;
  }, 60_000);
  await guest.close();

  // Each line is attributed to the seat whose audio it came from, not to the mix.
  const words = (who: string) => new Set(reader.cues.filter((c) => c.speaker === who).flatMap((c) => normaliseWords(c.text)));
  const marianne = words('Marianne D.');
  const elinor = words('Elinor');
  const hostOnly = ['young', 'man', 'amiable', 'himself'];
  const guestOnly = ['cold', 'hearted', 'selfish', 'rather'];
  assert.ok(hostOnly.some((w) => marianne.has(w)) && !guestOnly.some((w) => marianne.has(w)), `host's lines: ${[...marianne].join(' ')}`);
  assert.ok(guestOnly.some((w) => elinor.has(w)) && !hostOnly.some((w) => elinor.has(w)), `guest's lines: ${[...elinor].join(' ')}`);

  const master = await (await fetch(`${server.url}/hls/${id}/index.m3u8`)).text();
  assert.match(master, /#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="captions",NAME="[^"]+",LANGUAGE="en"/);
  assert.match(master, /SUBTITLES="captions"/);
  const live = await fetch(`${server.url}/hls/${id}/captions/live.m3u8`);
  assert.match(live.headers.get('cache-control') ?? '', /max-age=1/);
  const firstSeg = /seg-\d+\.vtt/.exec(await live.text())![0];
  const seg = await fetch(`${server.url}/hls/${id}/captions/${firstSeg}`);
  assert.match(seg.headers.get('cache-control') ?? '', /immutable/);
  assert.match(seg.headers.get('content-type') ?? '', /text\/vtt/);

  for (const c of reader.cues) assert.ok(c.speaker === 'Marianne D.' || c.speaker === 'Elinor', c.speaker);
  const reference = utterances.flatMap((u) => u.reference);
  // Accuracy is the bench's business (docs/benchmarks.md); here, the speech must be what came out:
  // most of the reference's words, whatever the machine's load does to the utterance boundaries.
  const heard = marianne;
  const recall = reference.filter((w) => heard.has(w)).length / reference.length;
  assert.ok(recall >= 0.4, `words recognised through WHIP, the mixer and the rendition: ${recall.toFixed(2)} (${reader.cues.map((c) => c.text).join(' | ')})`);

  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  assert.match(metrics, /^tribune_captions_words_total\{[^}]*\} [1-9]/m, 'words recognised, on /metrics');
  assert.match(metrics, /^tribune_captions_engine_lag_seconds_count\{[^}]*\} [1-9]/m);
  // Caption audio is dropped, by design, when the engine falls behind (never listener audio): on a
  // loaded machine a little may go; for two speakers it stays a small share of what they said.
  const dropped = Number(/^tribune_captions_audio_dropped_seconds_total\{[^}]*\} ([0-9.e+-]+)$/m.exec(metrics)?.[1] ?? 'NaN');
  assert.ok(dropped >= 0 && dropped < 3, `caption audio dropped for two speakers: ${dropped} s`);
  const cues = await (await fetch(`${server.url}/hls/${id}/captions/cues.json`)).json() as { cues: { speaker: string; text: string }[] };
  assert.ok(cues.cues.length >= 2 && cues.cues.every((c) => c.speaker === 'Marianne D.' || c.speaker === 'Elinor'));

  await publisher.close();
  assert.equal((await server.request('POST', `/api/v1/spaces/${id}/end`, { token })).status, 200);
  const transcript = await until('the replay transcript', async () => {
    const res = await fetch(`${server.url}/hls/${id}/captions/transcript.json`);
    return res.ok ? (await res.json()) as { lines: { start: number; text: string; speaker: string }[] } : undefined;
  }, 10_000);
  assert.ok(transcript.lines.length >= 2);
  assert.ok(transcript.lines.every((l, i) => l.start >= 0 && (i === 0 || l.start >= transcript.lines[i - 1]!.start)));
  const vtt = await (await fetch(`${server.url}/hls/${id}/captions/transcript.vtt`)).text();
  assert.match(vtt, /^WEBVTT/);
  assert.match(vtt, /<v Marianne D\.>/);
  const replay = await (await fetch(`${server.url}/hls/${id}/captions/replay.m3u8`)).text();
  assert.match(replay, /#EXT-X-PLAYLIST-TYPE:VOD[\s\S]*replay-\d+\.vtt[\s\S]*#EXT-X-ENDLIST/);
  const replayIndex = await (await fetch(`${server.url}/hls/${id}/captions/replay-index.m3u8`)).text();
  assert.match(replayIndex, /#EXT-X-MEDIA:TYPE=SUBTITLES,[^\n]*URI="replay\.m3u8"[\s\S]*SUBTITLES="captions"\n\.\.\/replay\.m3u8/);
  const firstReplaySeg = /replay-\d+\.vtt/.exec(replay)![0];
  assert.match(await (await fetch(`${server.url}/hls/${id}/captions/${firstReplaySeg}`)).text(), /^WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:\d+,LOCAL:00:00:00\.000/);

  if (requireProgram('ffmpeg')) {
    // An outside WebVTT parser (ffmpeg 5's HLS demuxer skips subtitle renditions, its WebVTT demuxer
    // does not): the replay's first subtitle segment and the transcript download parse, cue for cue.
    // Asynchronously: the server answering it runs in this process.
    for (const file of [firstReplaySeg, 'transcript.vtt']) {
      const ff = await execFileAsync('ffmpeg', ['-v', 'error', '-i', `${server.url}/hls/${id}/captions/${file}`, '-f', 'webvtt', '-'], { encoding: 'utf8', timeout: 30_000 });
      assert.match(ff.stdout, /^WEBVTT/);
      if (file === 'transcript.vtt') assert.ok(transcript.lines.every((l) => ff.stdout.includes(l.text)), `ffmpeg read every line:\n${ff.stdout}`);
    }
  }

  const file = join(server.dataDir, 'media', id, 'captions.jsonl');
  assert.ok(existsSync(file));
  assert.equal((await server.request('DELETE', `/api/v1/spaces/${id}/recording`, { token })).status, 204);
  assert.equal(existsSync(file), false, 'captions are deleted with the recording');
  assert.equal((await fetch(`${server.url}/hls/${id}/captions/transcript.vtt`)).status, 404);
});
