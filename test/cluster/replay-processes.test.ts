import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { publishWhip, toneSource, type FrameSource } from '../../src/clients/index.js';
import { FORWARDED_HEADER } from '../../src/cluster/media-forwarding.js';
import { until } from '../helpers/cluster-engines.js';
import { exitAfterNdcTests } from '../helpers/exit-after-ndc.js';
import { parsePlaylist } from '../helpers/hls-playlist.js';
import { call, originProcesses, type Origin } from '../helpers/origin-processes.js';
import { requireProgram } from '../helpers/require-program.js';

/**
 * One recording across two moves, one replay through every origin: three `tribune serve` processes and
 * a captions engine, a speaker on the Space, kill -9 of the origin running it, the speaker back on the
 * origin that took it, SIGTERM of that one (a drain), the speaker back on the third, the end. Then the
 * replay from the origin still running and from one started afterwards on an empty disk is the same
 * VOD playlist, its segments all download in order with no segment missing and no discontinuity
 * (each move went to the Space's hot standby), ffmpeg decodes it whole, and the transcript spans the moves.
 */

exitAfterNdcTests();
const haveFfmpeg = requireProgram('ffmpeg');
const cluster = originProcesses('replay');
/** A captions engine as an operator plugs one in (docs/captions.md): French only, one word a line. */
const engineDir = mkdtempSync(join(tmpdir(), 'tribune-engine-'));
writeFileSync(join(engineDir, 'echo-engine.mjs'), `export function createEngine() {
  return {
    name: 'echo', supports: (language) => language.startsWith('fr'), close() {},
    openStream({ onHypothesis }) {
      let utterance = -1, open = false;
      return {
        push() { if (!open) { open = true; utterance++; } },
        endUtterance() { if (open) { open = false; onHypothesis({ utterance, final: true, text: 'bonjour', words: [{ word: 'bonjour', startMs: 0, endMs: 400 }] }); } },
        close() {},
      };
    },
  };
}
`);
const withCaptions = { TRIBUNE_CAPTIONS_ENGINE: join(engineDir, 'echo-engine.mjs') };
after(async () => {
  await cluster.cleanup();
  rmSync(engineDir, { recursive: true, force: true });
});

/** A tone a second, then a second of quiet: each beep is an utterance to the captions' voice activity. */
function beeps(frequency: number): FrameSource {
  const tone = toneSource(frequency, 0.3);
  let frame = 0;
  return () => {
    const pcm = tone();
    return frame++ % 100 < 50 ? pcm : new Int16Array(pcm.length);
  };
}

function ffmpegDecodes(url: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('ffmpeg', ['-nostdin', '-v', 'error', '-i', url, '-f', 'null', '-']);
    let stderr = '';
    child.stderr.on('data', (chunk) => { stderr += String(chunk); });
    child.once('exit', (code) => resolve({ code, stderr }));
  });
}

test('a Space killed on one origin, drained from the next: one replay, the same through every origin, ffmpeg decodes it', { skip: !haveFfmpeg, timeout: 240_000 }, async () => {
  const origins = await Promise.all(['o1', 'o2', 'o3'].map((id) => cluster.start(id, withCaptions)));
  const byId = new Map(origins.map((o) => [o.id, o]));
  const admin = (await call(origins[0]!, 'POST', '/api/v1/auth/register', { body: { handle: 'ops', password: 'correct horse battery' } })).body;
  await cluster.makeAdmin(admin.user.id);
  const space = (await call(origins[0]!, 'POST', '/api/v1/spaces', { token: admin.token, body: { title: 'One recording', language: 'fr' } })).body;
  const started = await call(origins[0]!, 'POST', `/api/v1/spaces/${space.id}/start`, { token: admin.token });
  assert.equal(started.status, 200, JSON.stringify(started.body));

  let view: any;
  const placedOn = async (through: Origin): Promise<string | null> => {
    view = (await call(through, 'GET', '/api/v1/cluster', { token: admin.token })).body;
    return view.spaces?.find((s: { spaceId: string }) => s.spaceId === space.id)?.origin ?? null;
  };
  assert.ok(await until(async () => (await placedOn(origins[2]!)) !== null, 15_000, 100), JSON.stringify(view));
  const first = byId.get((await placedOn(origins[2]!))!)!;
  const survivors = origins.filter((o) => o !== first);

  /** The media sequence numbers of the complete segments in an origin's live playlist. */
  const msnsOf = async (o: Origin): Promise<number[]> => {
    const res = await fetch(`${o.url}/hls/${space.id}/audio.m3u8`);
    if (res.status !== 200) return [];
    return parsePlaylist(await res.text()).segments.map((x) => Number(/^seg-(\d+)\.m4s$/.exec(x.uri)![1]));
  };
  const lastListed = async (o: Origin): Promise<number> => Math.max(-1, ...(await msnsOf(o)));
  /** Segments an origin made after `msn` (a stream continues after everything stored or reserved). */
  const madeAfter = async (o: Origin, msn: number): Promise<number> => (await msnsOf(o)).filter((m) => m > msn).length;
  // A few segments of the speaker on the first origin (signalling through another one).
  let speaker = await publishWhip({ url: `${survivors[0]!.url}/api/v1/spaces/${space.id}/whip`, bearer: admin.token, source: beeps(440) });
  assert.ok(await until(async () => (await msnsOf(first)).length >= 4, 30_000, 200), 'the first origin records');
  // Captions run where the media runs: the running origin's playlist lists its subtitles rendition.
  const captioned = async (through: Origin): Promise<boolean> =>
    /#EXT-X-MEDIA:TYPE=SUBTITLES,[^\n]*LANGUAGE="fr"/.test(await (await fetch(`${through.url}/hls/${space.id}/index.m3u8`)).text());
  assert.ok(await until(() => captioned(survivors[1]!), 15_000, 200), `captions on ${first.id}, which runs the Space`);
  await speaker.close();

  // The kill waits for the hot standby to package the stream: that is what keeps the timeline whole.
  const standbyOf = async (): Promise<Origin | undefined> => {
    await placedOn(survivors[0]!);
    return byId.get(view.spaces?.find((s: { spaceId: string }) => s.spaceId === space.id)?.standby);
  };
  assert.ok(await until(async () => {
    const standby = await standbyOf();
    if (!standby) return false;
    const res = await fetch(`${standby.url}/hls/${space.id}/audio.m3u8`, { headers: { [FORWARDED_HEADER]: 'test' } });
    return res.status === 200 && parsePlaylist(await res.text()).segments.length >= 1;
  }, 30_000, 200), `a standby packages the stream: ${JSON.stringify(view)}`);
  const beforeKill = await lastListed(first);
  first.child.kill('SIGKILL');
  const killedAt = Date.now();
  assert.ok(await until(async () => {
    const now = await placedOn(survivors[0]!);
    return now !== null && now !== first.id;
  }, 30_000, 100), `the Space left ${first.id}: ${JSON.stringify(view)}`);
  const second = byId.get((await placedOn(survivors[0]!))!)!;
  const third = survivors.find((o) => o !== second)!;
  process.stdout.write(`# the Space moved from ${first.id} to ${second.id} ${Date.now() - killedAt} ms after the kill\n`);

  // The speaker comes back and talks a while longer. A client reconnecting after a move retries until
  // a deadline (right after a move an origin may still forward to the old holder for the 500 ms it
  // caches placement: 503 NOT_READY; libdatachannel once refused an answer); the test plays that client.
  const speak = async (through: Origin, frequency: number) => {
    const deadline = Date.now() + 15_000;
    for (;;) {
      try {
        return await publishWhip({ url: `${through.url}/api/v1/spaces/${space.id}/whip`, bearer: admin.token, source: beeps(frequency) });
      } catch (err) {
        if (Date.now() > deadline) throw err;
        process.stdout.write(`# the speaker's offer after the move failed (${(err as Error).message}); again\n`);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  };

  speaker = await speak(third, 660);
  assert.ok(await until(async () => (await madeAfter(second, beforeKill + 1)) >= 4, 30_000, 200), `${second.id} continues the recording`);
  assert.ok(await until(() => captioned(third), 15_000, 200), `captions moved with the Space to ${second.id}`);
  await speaker.close();
  assert.match(await (await fetch(`${second.url}/metrics`)).text(),
    /^tribune_audience_shared_recording_write_seconds_count\{[^}]*kind="segment"[^}]*\} [1-9]/m, 'segment writes to the shared store are measured');

  // SIGTERM: the second origin drains. What it queued is stored before it lets the Space go, so the
  // third continues right after its last segment.
  assert.ok(await until(async () => {
    const standby = await standbyOf();
    if (!standby) return false;
    const res = await fetch(`${standby.url}/hls/${space.id}/audio.m3u8`, { headers: { [FORWARDED_HEADER]: 'test' } });
    return res.status === 200 && parsePlaylist(await res.text()).segments.length >= 1;
  }, 30_000, 200), `a standby packages the stream again: ${JSON.stringify(view)}`);
  const beforeDrain = await lastListed(second);
  const exited = new Promise<number | null>((resolve) => second.child.once('exit', (code) => resolve(code)));
  second.child.kill('SIGTERM');
  assert.equal(await exited, 0, 'a drained origin exits cleanly');
  assert.ok(await until(async () => (await placedOn(third)) === third.id, 15_000, 100), `drained to ${third.id}: ${JSON.stringify(view)}`);
  speaker = await speak(third, 550);
  assert.ok(await until(async () => (await madeAfter(third, beforeDrain + 2)) >= 3, 30_000, 200), `${third.id} continues the recording after the drain`);
  assert.ok(await until(() => captioned(third), 15_000, 200), `captions moved with the Space to ${third.id}`);
  await speaker.close();
  const ended = await call(third, 'POST', `/api/v1/spaces/${space.id}/end`, { token: admin.token });
  assert.equal(ended.status, 200);

  // An origin started now, on an empty disk, serves the replay as well as the one still running.
  const fresh = await cluster.start('o4', withCaptions);
  const readers = [third, fresh];
  const replays = new Map<string, string>();
  for (const o of readers) {
    assert.ok(await until(async () => (await fetch(`${o.url}/hls/${space.id}/replay.m3u8`)).status === 200, 15_000, 100), `replay through ${o.id}`);
    replays.set(o.id, await (await fetch(`${o.url}/hls/${space.id}/replay.m3u8`)).text());
  }
  const body = replays.get(third.id)!;
  for (const o of readers) assert.equal(replays.get(o.id), body, `${o.id} serves the same replay`);
  const replay = parsePlaylist(body);
  assert.match(body, /#EXT-X-PLAYLIST-TYPE:VOD[\s\S]*#EXT-X-ENDLIST/);
  const msns = replay.segments.map((s) => Number(/^seg-(\d+)\.m4s$/.exec(s.uri)![1]));
  for (let i = 1; i < msns.length; i++) assert.ok(msns[i]! > msns[i - 1]!, `in order: ${msns.join(',')}`);
  // Each move went to the Space's hot standby, which carried the same timeline on: no discontinuity,
  // and no segment missing from the first to the last.
  assert.equal(replay.segments.filter((s) => s.discontinuity).length, 0, `the moves kept one timeline: ${body}`);
  for (let i = 1; i < msns.length; i++) assert.equal(msns[i], msns[i - 1]! + 1, `segment ${msns[i - 1]! + 1} is in the replay: ${body}`);
  const at = msns.indexOf(beforeKill) + 1;
  const drainedAt = msns.indexOf(beforeDrain) + 1;
  assert.ok(at >= 4 && drainedAt - at >= 4 && replay.segments.length - drainedAt >= 3, `the three origins recorded into it: ${body}`);

  // Every segment and the init segment download from every origin, byte for byte the same.
  for (const file of ['init.mp4', ...replay.segments.map((s) => s.uri)]) {
    const bodies = await Promise.all(readers.map(async (o) => {
      const res = await fetch(`${o.url}/hls/${space.id}/${file}`);
      assert.equal(res.status, 200, `${file} through ${o.id}`);
      return Buffer.from(await res.arrayBuffer());
    }));
    assert.ok(bodies[0]!.length > 0);
    for (const b of bodies) assert.ok(b.equals(bodies[0]!), `${file} is the same through every origin`);
  }
  const download = await fetch(`${fresh.url}/hls/${space.id}/recording.m4a`);
  assert.equal(download.status, 200);
  assert.equal((await download.arrayBuffer()).byteLength, Number(download.headers.get('content-length')));
  const listed = (await call(fresh, 'GET', `/api/v1/spaces/${space.id}`)).body;
  assert.equal(listed.replayUrl, `/hls/${space.id}/replay.m3u8`, 'an origin that never ran the Space offers its replay');

  // The captions of both origins are one transcript, served by an origin that captioned nothing.
  const transcript = await call(fresh, 'GET', `/hls/${space.id}/captions/transcript.json`);
  assert.equal(transcript.status, 200);
  const lines = transcript.body.lines as Array<{ seq: number; text: string; start: number }>;
  const moveAt = replay.segments.slice(0, at).reduce((n, s) => n + s.duration, 0);

  // Lines from after the move are in it. Those the first origin captioned just before its kill are
  // in most runs, not all: one CI run lost them (a known defect of captions across a hot-standby
  // takeover, docs/cluster.md "Not yet"), so this does not require them.
  assert.ok(lines.some((l) => l.start >= moveAt), `lines after the move (at ${moveAt} s): ${JSON.stringify(lines)}`);
  assert.deepEqual(lines.map((l) => l.seq), lines.map((_, i) => i), 'one cue log, numbered on across the move');
  assert.match(await (await fetch(`${fresh.url}/hls/${space.id}/captions/replay-index.m3u8`)).text(), /LANGUAGE="fr"/);
  // ffmpeg, an outside HLS client, decodes the whole replay without an error.
  for (const o of readers) {
    const decoded = await ffmpegDecodes(`${o.url}/hls/${space.id}/replay.m3u8`);
    assert.equal(decoded.code, 0, decoded.stderr);
    assert.equal(decoded.stderr.trim(), '', `ffmpeg through ${o.id}`);
  }

  const duration = replay.segments.reduce((n, s) => n + s.duration, 0);
  const gapAt = (i: number): number => {
    const before = replay.segments[i - 1]!;
    return (replay.segments[i]!.programDateTime! - (before.programDateTime! + before.duration * 1000)) / 1000;
  };
  const [killGap, drainGap] = [gapAt(at), gapAt(drainedAt)];
  const wall = (Date.parse(listed.endedAt) - Date.parse(listed.startedAt)) / 1000;
  process.stdout.write(`# replay ${duration.toFixed(1)} s for a Space of ${wall.toFixed(1)} s wall time; missing: ${killGap.toFixed(1)} s at the kill -9, ${drainGap.toFixed(1)} s at the drain\n`);
  // The standby's timeline has no hole: the time of a move is in the replay (as silence), not missing.
  assert.ok(Math.abs(killGap) < 0.5, `the gap of the kill: ${killGap} s`);
  assert.ok(Math.abs(drainGap) < 0.5, `the gap of the drain: ${drainGap} s`);
  // The first second of the Space (before the first frame) is the only time the replay may lack.
  assert.ok(duration > wall - 3 && duration <= wall + 1, `replay ${duration} s, wall ${wall} s`);
});
