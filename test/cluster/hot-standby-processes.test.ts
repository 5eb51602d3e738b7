import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { after, test } from 'node:test';
import { listenWhep, publishWhip, toneSource } from '../../src/clients/index.js';
import { FORWARDED_HEADER } from '../../src/cluster/media-forwarding.js';
import { until } from '../helpers/cluster-engines.js';
import { exitAfterNdcTests } from '../helpers/exit-after-ndc.js';
import { toneAmplitude } from '../helpers/goertzel.js';
import { parsePlaylist } from '../helpers/hls-playlist.js';
import { LlHlsFollower } from '../helpers/ll-hls-follower.js';
import { call, originProcesses, startFailoverEdge, type Origin } from '../helpers/origin-processes.js';
import { requireProgram } from '../helpers/require-program.js';

/**
 * Two origins for every Space (docs/cluster.md, "Hot standby"). Three `tribune serve` processes behind
 * an edge that skips a dead origin; a WHIP speaker sends a tone; an LL-HLS listener at the live edge
 * follows through the edge. The standby's names and bytes are the primary's. Then kill -9 of the
 * primary, and SIGTERM of the next: the listener's stream goes on under the same names (the gap is
 * silence on the same timeline), the speaker comes back by itself, and the replay has every segment.
 */

exitAfterNdcTests();
const haveFfmpeg = requireProgram('ffmpeg');
const cluster = originProcesses('standby');
const TONE_HZ = 880;
/** The tone is sent at 0.3 of full scale; silence and codec noise stay far below this. */
const HEARD = 0.05;

/** The longest run of 20 ms frames without the tone in 48 kHz mono PCM, after the first tone, in ms. */
function longestSilenceMs(pcm: Int16Array): number {
  let longest = 0;
  let run = 0;
  let started = false;
  for (let i = 0; i + 960 <= pcm.length; i += 960) {
    const heard = toneAmplitude(pcm.subarray(i, i + 960), TONE_HZ) >= HEARD;
    if (heard) { started = true; longest = Math.max(longest, run); run = 0; } else if (started) run += 20;
  }
  return longest;
}

/** ffmpeg as an outside LL-HLS client: it plays the live playlist until its end, decoding to PCM. */
function ffmpegPlays(url: string): { done: Promise<{ code: number | null; stderr: string; pcm: Int16Array }> } {
  const child = spawn('ffmpeg', ['-nostdin', '-v', 'error', '-i', url, '-f', 's16le', '-ac', '1', '-ar', '48000', 'pipe:1']);
  const chunks: Buffer[] = [];
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => chunks.push(c));
  child.stderr.on('data', (c) => { stderr += String(c); });
  return {
    done: new Promise((resolve) => child.once('exit', (code) => {
      const all = Buffer.concat(chunks);
      resolve({ code, stderr, pcm: new Int16Array(all.buffer, all.byteOffset, Math.floor(all.length / 2)) });
    })),
  };
}
after(() => cluster.cleanup());

/** What a player holds at the live edge before it plays: PART-HOLD-BACK, two 400 ms parts. */
const HOLD_S = 0;

const local = { [FORWARDED_HEADER]: 'test' };
async function localBytes(origin: Origin, path: string): Promise<Buffer | null> {
  const res = await fetch(`${origin.url}${path}`, { headers: local });
  return res.status === 200 ? Buffer.from(await res.arrayBuffer()) : null;
}

test('a hot standby makes the same stream; kill -9 and drain of the primary cost the listener no stall and the replay no segment', { timeout: 240_000 }, async (t) => {
  const origins = await Promise.all(['h1', 'h2', 'h3'].map((id) => cluster.start(id, { TRIBUNE_LEASE_TTL_MS: '5000' })));
  const byId = new Map(origins.map((o) => [o.id, o]));
  const alive = () => origins.filter((o) => o.child.exitCode === null && o.child.signalCode === null);
  const edge = await startFailoverEdge(origins);
  t.after(() => edge.close());
  const host = (await call(origins[0]!, 'POST', '/api/v1/auth/register', { body: { handle: 'host', password: 'correct horse battery' } })).body;
  await cluster.makeAdmin(host.user.id);
  const space = (await call(origins[0]!, 'POST', '/api/v1/spaces', { token: host.token, body: { title: 'Deux chaînes' } })).body;
  assert.equal((await call(origins[1]!, 'POST', `/api/v1/spaces/${space.id}/start`, { token: host.token })).status, 200);

  let view: any;
  const placement = async (): Promise<{ primary?: Origin; standby?: Origin }> => {
    for (const o of alive()) {
      view = (await call(o, 'GET', '/api/v1/cluster', { token: host.token }).catch(() => ({ body: null }))).body;
      const s = view?.spaces?.find((x: { spaceId: string }) => x.spaceId === space.id);
      if (s) return { primary: byId.get(s.origin), standby: byId.get(s.standby) };
    }
    return {};
  };
  assert.ok(await until(async () => { const p = await placement(); return p.primary !== undefined && p.standby !== undefined; }, 20_000, 100), JSON.stringify(view));

  const speaker = await publishWhip({ url: `${edge.url}/api/v1/spaces/${space.id}/whip`, bearer: host.token, source: toneSource(TONE_HZ, 0.3) });
  t.after(() => speaker.close());
  // A WHEP listener through the edge, timing the tone it hears: its longest silence is the gap it heard.
  let lastTone = -1;
  let whepGapMs = 0;
  const whep = await listenWhep({
    url: `${edge.url}/api/v1/spaces/${space.id}/whep`,
    onPcm: (frame) => {
      if (toneAmplitude(frame, TONE_HZ) < HEARD) return;
      const now = performance.now();
      if (lastTone > 0) whepGapMs = Math.max(whepGapMs, now - lastTone);
      lastTone = now;
    },
  });
  t.after(() => whep.close());
  const hls = `/hls/${space.id}/audio.m3u8`;
  // The standby joins at a segment start, then lists the primary's names: wait until it has a few.
  const { primary, standby } = await placement();
  assert.ok(primary && standby && primary !== standby);
  assert.ok(await until(async () => {
    const body = await localBytes(standby, hls);
    return body !== null && parsePlaylist(body.toString()).segments.length >= 2;
  }, 30_000, 200), 'the standby packages the programme');

  // Identical output: every name both list, the same bytes from each.
  const [fromPrimary, fromStandby] = await Promise.all([localBytes(primary, hls), localBytes(standby, hls)]);
  const names = (text: string): string[] => {
    const p = parsePlaylist(text);
    return [...p.segments.flatMap((s) => [s.uri, ...s.parts.map((x) => x.uri)]), ...p.trailingParts.map((x) => x.uri)];
  };
  const inPrimary = new Set(names(fromPrimary!.toString()));
  const common = names(fromStandby!.toString()).filter((n) => inPrimary.has(n));
  assert.ok(common.length >= 8, `names both list: ${common.length}`);
  for (const name of ['init.mp4', ...common]) {
    const [a, b] = await Promise.all([localBytes(primary, `/hls/${space.id}/${name}`), localBytes(standby, `/hls/${space.id}/${name}`)]);
    assert.ok(a && b && a.equals(b), `${name}: the same bytes from ${primary.id} and ${standby.id}`);
  }

  const follower = new LlHlsFollower(`${edge.url}${hls}`);
  t.after(() => follower.stop());
  const ffmpeg = haveFfmpeg ? ffmpegPlays(`${edge.url}/hls/${space.id}/index.m3u8`) : undefined;
  assert.ok(await until(() => follower.parts.length >= 10, 20_000, 50), `the listener plays: ${follower.errors.join('; ')}`);

  const survive = async (victim: Origin, signal: 'SIGKILL' | 'SIGTERM', successor: Origin) => {
    const reconnectsBefore = speaker.stats().reconnects;
    const partsBefore = follower.parts.length;
    const at = performance.now();
    victim.child.kill(signal);
    assert.ok(await until(async () => (await placement()).primary === successor, 15_000, 50), `${successor.id} runs the Space: ${JSON.stringify(view)}`);
    const tookOverMs = Math.round(performance.now() - at);
    assert.ok(await until(() => speaker.stats().reconnects > reconnectsBefore, 20_000, 20), `the speaker republished: ${JSON.stringify(speaker.stats())}`);
    const speakerBackMs = Math.round(performance.now() - at);
    // Three seconds of stream after the speaker came back, then look at what the listener had.
    const want = follower.parts.length + 8;
    assert.ok(await until(() => follower.parts.length >= want, 20_000, 50), `the listener goes on: ${follower.errors.slice(-5).join('; ')}`);
    const stallS = follower.stallAfter(at, HOLD_S);
    const after = follower.parts.slice(partsBefore - 1);
    for (let i = 1; i < after.length; i++) {
      const [a, b] = [after[i - 1]!, after[i]!];
      const follows = (b.msn === a.msn && b.part === a.part + 1) || (b.msn === a.msn + 1 && b.part === 0);
      assert.ok(follows, `no part missing or renumbered: ${a.uri} then ${b.uri}`);
    }
    return { tookOverMs, speakerBackMs, stallS: Math.round(stallS * 1000) / 1000 };
  };

  whepGapMs = 0;
  const killed = await survive(primary, 'SIGKILL', standby);
  assert.ok(await until(() => whep.stats().reconnects >= 1 && performance.now() - lastTone < 100, 20_000, 20), `the WHEP listener hears the tone again: ${JSON.stringify(whep.stats())}`);
  process.stdout.write(`# kill -9 of the primary: the standby ran the Space after ${killed.tookOverMs} ms, the speaker was back after ${killed.speakerBackMs} ms, the LL-HLS listener stalled ${killed.stallS} s, the WHEP listener heard ${Math.round(whepGapMs)} ms without the tone\n`);
  assert.ok(await until(async () => (await placement()).standby !== undefined, 20_000, 100), `a new standby: ${JSON.stringify(view)}`);
  const next = (await placement()).standby!;
  assert.ok(await until(async () => {
    const body = await localBytes(next, hls);
    return body !== null && parsePlaylist(body.toString()).segments.length >= 2;
  }, 30_000, 200), `the new standby ${next.id} packages the programme`);
  const exited = new Promise<number | null>((resolve) => standby.child.once('exit', (code) => resolve(code)));
  whepGapMs = 0;
  const drained = await survive(standby, 'SIGTERM', next);
  assert.ok(await until(() => whep.stats().reconnects >= 2 && performance.now() - lastTone < 100, 20_000, 20), `the WHEP listener hears the tone again: ${JSON.stringify(whep.stats())}`);
  process.stdout.write(`# SIGTERM (drain) of the primary: the standby ran the Space after ${drained.tookOverMs} ms, the speaker was back after ${drained.speakerBackMs} ms, the LL-HLS listener stalled ${drained.stallS} s, the WHEP listener heard ${Math.round(whepGapMs)} ms without the tone\n`);
  assert.equal(await exited, 0);

  assert.deepEqual(follower.reused, [], 'no name came back with other bytes');
  for (let i = 1; i < follower.mediaSequences.length; i++) assert.ok(follower.mediaSequences[i]! >= follower.mediaSequences[i - 1]!, 'the media sequence never goes back');
  // The goal is at most a second; on a shared two-core machine the figures are printed above.
  assert.ok(killed.stallS <= 1, `kill -9: the listener stalled ${killed.stallS} s`);
  assert.ok(drained.stallS <= 1, `drain: the listener stalled ${drained.stallS} s`);

  await follower.stop();
  await speaker.close();
  await whep.close();
  assert.equal((await call(next, 'POST', `/api/v1/spaces/${space.id}/end`, { token: host.token })).status, 200);
  if (ffmpeg) {
    // The outside client played through both failovers to the end without an error.
    const played = await ffmpeg.done;
    assert.equal(played.code, 0, played.stderr);
    assert.equal(played.stderr.trim(), '', 'ffmpeg reported no error');
    assert.ok(played.pcm.length / 48_000 > 10, `ffmpeg decoded ${played.pcm.length / 48_000} s`);
    process.stdout.write(`# ffmpeg played ${(played.pcm.length / 48_000).toFixed(1)} s through both failovers; its longest stretch without the tone: ${longestSilenceMs(played.pcm)} ms\n`);
  }
  // The replay: one timeline, every segment from the first to the last, no discontinuity.
  let replay: string | undefined;
  assert.ok(await until(async () => {
    const res = await fetch(`${next.url}/hls/${space.id}/replay.m3u8`);
    replay = res.status === 200 ? await res.text() : undefined;
    return replay !== undefined;
  }, 15_000, 200), 'the replay is offered');
  const vod = parsePlaylist(replay!);
  assert.equal(vod.tags.filter((x) => x === '#EXT-X-DISCONTINUITY').length, 0, 'no discontinuity: the failovers kept the timeline');
  const msns = vod.segments.map((s) => Number(/seg-(\d+)/.exec(s.uri)![1]));
  for (let i = 1; i < msns.length; i++) assert.equal(msns[i], msns[i - 1]! + 1, `segment ${msns[i - 1]! + 1} is in the replay`);
  // What the listener heard live is what the replay keeps: each segment begins with the parts it was served.
  const bySegment = new Map<number, Buffer[]>();
  for (const p of follower.parts) if (p.part === (bySegment.get(p.msn)?.length ?? 0)) bySegment.set(p.msn, [...(bySegment.get(p.msn) ?? []), p.data]);
  let whole = 0;
  for (const [msn, parts] of bySegment) {
    if (!msns.includes(msn)) continue;
    const seg = await fetch(`${next.url}/hls/${space.id}/seg-${msn}.m4s`);
    assert.equal(seg.status, 200, `seg-${msn}`);
    const bytes = Buffer.from(await seg.arrayBuffer());
    const heard = Buffer.concat(parts);
    assert.ok(bytes.subarray(0, heard.length).equals(heard), `seg-${msn} in the replay is what the listener was served live`);
    if (bytes.length === heard.length) whole++;
  }
  assert.ok(whole >= 5, `segments heard whole live and identical in the replay: ${whole}`);
});
