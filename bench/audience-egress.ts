/**
 * What one LL-HLS listener costs a CDN: requests and bytes on the wire (headers included) per
 * listener-second, through the shipped nginx edge, next to the audio payload's own bytes (the
 * physical limit). The listener does what hls.js does at the live edge: a blocking playlist reload
 * per part (delta updates, _HLS_skip=YES) and a fetch of each new part. Two runs, same origin, same
 * programme: without compression (before) and with `Accept-Encoding: br, gzip` (after).
 *
 *   npx tsx bench/audience-egress.ts [--seconds 20] [--audience 1200000]
 *
 * Prints a JSON document (the last one on stdout) that scripts/bench.ts reads.
 */
import { Agent, request, type IncomingMessage } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { createAudience } from '../src/audience/index.js';
import { buildAudienceApp } from '../test/helpers/audience-app.js';
import { startEdge } from '../test/helpers/nginx-edge.js';
import { encodeProgram, speechPcm } from '../test/helpers/speech-program.js';

const argv = process.argv;
const opt = (name: string, fallback: string): string => { const i = argv.indexOf(`--${name}`); return i > 0 ? argv[i + 1]! : fallback; };
const SECONDS = Number(opt('seconds', '20'));
const AUDIENCE = Number(opt('audience', '1200000'));

interface Tally { requests: number; wireBytes: number; partPayloadBytes: number; playlistBytes: number; partBytes: number; seconds: number }

/** Bytes of a response on the wire: status line, headers, body (chunked framing aside). */
function wireSize(res: IncomingMessage, body: Buffer): number {
  let head = `HTTP/1.1 ${res.statusCode} ${res.statusMessage}\r\n`.length + 2;
  for (let i = 0; i < res.rawHeaders.length; i += 2) head += res.rawHeaders[i]!.length + res.rawHeaders[i + 1]!.length + 4;
  return head + body.length;
}

function get(agent: Agent, port: number, path: string, encoding: string): Promise<{ res: IncomingMessage; body: Buffer; requestBytes: number }> {
  const headers: Record<string, string> = { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36', accept: '*/*' };
  if (encoding) headers['accept-encoding'] = encoding;
  // What a browser sends too (a request costs upstream bytes as well).
  const requestBytes = `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`.length + Object.entries(headers).reduce((n, [k, v]) => n + k.length + v.length + 4, 0) + 2;
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ res, body: Buffer.concat(chunks), requestBytes }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** One listener at the live edge for `seconds`: blocking reload, then the part it names. */
async function listen(port: number, spaceId: string, encoding: string, seconds: number): Promise<Tally> {
  const agent = new Agent({ keepAlive: true, maxSockets: 2 });
  const tally: Tally = { requests: 0, wireBytes: 0, partPayloadBytes: 0, playlistBytes: 0, partBytes: 0, seconds };
  const count = (r: { res: IncomingMessage; body: Buffer }, kind: 'playlist' | 'part'): void => {
    tally.requests++;
    const wire = wireSize(r.res, r.body);
    tally.wireBytes += wire;
    if (kind === 'playlist') tally.playlistBytes += wire;
    else { tally.partBytes += wire; tally.partPayloadBytes += r.body.length; }
  };
  const first = await get(agent, port, `/hls/${spaceId}/audio.m3u8`, encoding);
  const text = (r: { res: IncomingMessage; body: Buffer }): string => {
    const enc = r.res.headers['content-encoding'];
    return (enc === 'br' ? brotliDecompressSync(r.body) : enc === 'gzip' ? gunzipSync(r.body) : r.body).toString();
  };
  let playlist = text(first);
  const end = Date.now() + seconds * 1000;
  const started = Date.now();
  let nextPart = '';
  while (Date.now() < end) {
    const hint = /#EXT-X-PRELOAD-HINT:TYPE=PART,URI="part-(\d+)\.(\d+)\.m4s"/.exec(playlist);
    if (!hint) break;
    const [msn, part] = [Number(hint[1]), Number(hint[2])];
    const name = `part-${msn}.${part}.m4s`;
    // The blocking reload for the hinted part, then the part itself (now listed).
    const reload = await get(agent, port, `/hls/${spaceId}/audio.m3u8?_HLS_msn=${msn}&_HLS_part=${part}&_HLS_skip=YES`, encoding);
    count(reload, 'playlist');
    playlist = text(reload);
    if (name !== nextPart) {
      const got = await get(agent, port, `/hls/${spaceId}/${name}`, encoding);
      count(got, 'part');
      nextPart = name;
    }
  }
  tally.seconds = (Date.now() - started) / 1000;
  agent.destroy();
  return tally;
}

const dataDir = mkdtempSync(join(tmpdir(), 'tribune-bench-egress-'));
const audience = createAudience({ dataDir, fsync: false });
const app = await buildAudienceApp(audience);
await app.listen({ host: '127.0.0.1', port: 0 });
const originPort = (app.server.address() as { port: number }).port;
const edge = await startEdge({ primary: `127.0.0.1:${originPort}` });
const frames = encodeProgram(speechPcm('A conversation at national scale costs the audio and little more. '.repeat(4)));
const sink = audience.begin('egress');
const t0 = performance.now();
let i = 0;
const clock = setInterval(() => {
  const due = Math.floor((performance.now() - t0) / 20);
  for (; i <= due; i++) sink.push({ opus: frames[i % frames.length]!.opus, pts: i * 960, wallClock: Date.now() });
}, 10);
try {
  while (!(await fetch(`http://127.0.0.1:${originPort}/hls/egress/audio.m3u8`)).ok) await new Promise((r) => setTimeout(r, 50));
  const opusBytesPerSecond = frames.reduce((n, f) => n + f.opus.length, 0) / (frames.length * 0.02);
  const runs: Record<string, Tally> = {};
  for (const [name, encoding] of [['before', ''], ['after', 'gzip, deflate, br']] as const) {
    process.stderr.write(`egress: ${name} (${encoding || 'no compression'}), ${SECONDS} s\n`);
    runs[name] = await listen(edge.port, 'egress', encoding, SECONDS);
  }
  const perSecond = (t: Tally) => ({
    requests: +(t.requests / t.seconds).toFixed(2),
    bytes: Math.round(t.wireBytes / t.seconds),
    playlistBytes: Math.round(t.playlistBytes / t.seconds),
    partBytes: Math.round(t.partBytes / t.seconds),
    audioPayloadBytes: Math.round(t.partPayloadBytes / t.seconds),
  });
  const before = perSecond(runs.before!);
  const after = perSecond(runs.after!);
  const result = {
    seconds: SECONDS,
    opusBytesPerSecond: Math.round(opusBytesPerSecond),
    before, after,
    ratioToAudioBefore: +(before.bytes / opusBytesPerSecond).toFixed(2),
    ratioToAudioAfter: +(after.bytes / opusBytesPerSecond).toFixed(2),
    audience: AUDIENCE,
    cdnAtAudience: {
      before: { gigabytesPerSecond: +(before.bytes * AUDIENCE / 1e9).toFixed(1), requestsPerSecond: Math.round(before.requests * AUDIENCE) },
      after: { gigabytesPerSecond: +(after.bytes * AUDIENCE / 1e9).toFixed(1), requestsPerSecond: Math.round(after.requests * AUDIENCE) },
      audioOnlyGigabytesPerSecond: +(opusBytesPerSecond * AUDIENCE / 1e9).toFixed(1),
    },
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} finally {
  clearInterval(clock);
  await edge.stop();
  await app.close();
  await audience.close();
  rmSync(dataDir, { recursive: true, force: true });
}
