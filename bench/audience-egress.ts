/**
 * What one LL-HLS listener costs a CDN: requests and bytes on the wire (status lines and headers
 * included) per listener-second, through the shipped nginx edge, next to the audio payload's own
 * bytes (the Opus packets: the physical limit).
 *
 * The whole origin runs (`startServer` with media): a node WHIP speaker reads speech, the stage mixes
 * and encodes the programme at its configured bit rate, the audience plane packages it. The listener
 * does what the web page does once hls.js plays smoothly: a blocking playlist reload per part (delta
 * update, `_HLS_skip=YES`), the part it names, and the page's `/state` poll (a patch from the version
 * it holds: web/src/lib/state-poll.ts; every 2 s while the page is visible, every 30 s in a background
 * tab), all with a browser's `Accept-Encoding`; or, with segment streams, what the page does then. Twice: over
 * HTTP/1.1, then over HTTPS and HTTP/2 (what a browser speaks to a CDN); a TCP relay in between counts
 * every byte the client receives (headers, HTTP/2 frames and HPACK, TLS records).
 *
 *   npx tsx bench/audience-egress.ts [--seconds 20] [--audience 1200000]
 *
 * Prints a JSON document (the last line on stdout) that scripts/bench.ts reads.
 */
import { Agent, request } from 'node:http';
import { connect as http2Connect, type ClientHttp2Session } from 'node:http2';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { publishWhip } from '../src/clients/index.js';
import { loadConfig } from '../src/config/load.js';
import { startServer } from '../src/server.js';
import { startEdge, type Edge } from '../test/helpers/nginx-edge.js';
import { startStreamCache, type StreamCache } from '../test/helpers/varnish-edge.js';
import { speechPcm } from '../test/helpers/speech-program.js';
import { startCountingProxy, type CountingProxy } from './lib/counting-proxy.js';
import { startLiveSpace } from './lib/live-space.js';

const argv = process.argv;
const opt = (name: string, fallback: string): string => { const i = argv.indexOf(`--${name}`); return i > 0 ? argv[i + 1]! : fallback; };
const SECONDS = Number(opt('seconds', '20'));
const AUDIENCE = Number(opt('audience', '1200000'));
/** The listener page's /state poll while live (web/src/pages/listener.tsx, pollMs). */
const STATE_POLL_VISIBLE_MS = 2000;
const STATE_POLL_HIDDEN_MS = 30_000;
const BROWSER_HEADERS = {
  'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36',
  accept: '*/*',
  'accept-encoding': 'gzip, deflate, br',
};

type Kind = 'playlist' | 'part' | 'segment' | 'state';
interface Response { status: number; encoding: string | undefined; etag: string | undefined; body: Buffer }
interface Client { get(path: string): Promise<Response>; close(): void }
interface Tally { requests: Record<Kind, number>; bytes: Record<Kind, number>; audioPayload: number; seconds: number }

function http1Client(port: number): Client {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  return {
    get: (path) => new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, agent, headers: BROWSER_HEADERS }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, encoding: res.headers['content-encoding'], etag: res.headers.etag, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    }),
    close: () => agent.destroy(),
  };
}

function http2Client(port: number): Client {
  const session: ClientHttp2Session = http2Connect(`https://localhost:${port}`, { rejectUnauthorized: false });
  session.on('error', () => { /* surfaced by the request */ });
  return {
    get: (path) => new Promise((resolve, reject) => {
      const req = session.request({ ':path': path, ...BROWSER_HEADERS });
      let status = 0;
      let encoding: string | undefined;
      let etag: string | undefined;
      req.on('response', (h) => { status = Number(h[':status']); encoding = h['content-encoding'] as string | undefined; etag = h.etag as string | undefined; });
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve({ status, encoding, etag, body: Buffer.concat(chunks) }));
      req.on('error', reject);
      req.end();
    }),
    close: () => session.close(),
  };
}

const text = (r: Response): string =>
  (r.encoding === 'br' ? brotliDecompressSync(r.body) : r.encoding === 'gzip' ? gunzipSync(r.body) : r.body).toString();

/** The payload size of each mdat box in media (a part has one, a segment one per part): the Opus packets. */
function mdats(media: Buffer): number[] {
  const sizes: number[] = [];
  for (let at = 0; at + 8 <= media.length;) {
    const size = media.readUInt32BE(at);
    if (size < 8) break;
    if (media.toString('latin1', at + 4, at + 8) === 'mdat') sizes.push(size - 8);
    at += size;
  }
  return sizes;
}

function counter(client: Client, proxy: CountingProxy, spaceId: string, seconds: number) {
  const zero = (): Record<Kind, number> => ({ playlist: 0, part: 0, segment: 0, state: 0 });
  const tally: Tally = { requests: zero(), bytes: zero(), audioPayload: 0, seconds };
  const fetchCounted = async (path: string, kind: Kind): Promise<Response> => {
    const before = proxy.down();
    const r = await client.get(path);
    if (r.status !== 200) throw new Error(`${kind} ${path}: HTTP ${r.status}`);
    tally.requests[kind]++;
    tally.bytes[kind] += proxy.down() - before;
    if (kind === 'part' || kind === 'segment') tally.audioPayload += mdats(r.body).reduce((a, b) => a + b, 0);
    return r;
  };
  // The page's poll (web/src/lib/state-poll.ts): a patch from the version it holds, once it holds one.
  let held: string | undefined;
  const pollState = async (): Promise<void> => {
    held = (await fetchCounted(`/api/v1/spaces/${spaceId}/state${held ? `?since=${held.replace(/"/g, '')}` : ''}`, 'state')).etag;
  };
  return { tally, fetchCounted, pollState };
}

/**
 * One listener at the live edge with `audience.delivery: 'segment-streams'`, as the page's loaders
 * make hls.js ask (web/src/lib/segment-streams.ts): each segment in one request, streamed while it is
 * produced, and a blocking reload from the origin at every third segment boundary; every other reload
 * is answered in the page from the streams.
 */
const REAL_RELOAD_EVERY = 3;
async function listenStreams(client: Client, proxy: CountingProxy, spaceId: string, seconds: number): Promise<Tally> {
  const { tally, fetchCounted, pollState } = counter(client, proxy, spaceId, seconds);
  let playlist = text(await client.get(`/hls/${spaceId}/audio.m3u8`));
  const started = Date.now();
  const end = started + seconds * 1000;
  let nextState = started;
  const hint = /#EXT-X-PRELOAD-HINT:TYPE=PART,URI="part-(\d+)\.(\d+)\.m4s"/.exec(playlist);
  if (!hint) throw new Error(`no preload hint:\n${playlist}`);
  let msn = Number(hint[1]);
  while (Date.now() < end) {
    // The open segment, from its first byte to its last (its parts so far at once, then each as made).
    const segment = await fetchCounted(`/hls/${spaceId}/seg-${msn}.m4s`, 'segment');
    if (Date.now() >= nextState) {
      await pollState();
      nextState += STATE_POLL_VISIBLE_MS;
    }
    if ((msn + 1) % REAL_RELOAD_EVERY === 0) {
      // hls.js's reload for the part after the segment's last: the origin answers once the next segment's first part exists.
      playlist = text(await fetchCounted(`/hls/${spaceId}/audio.m3u8?_HLS_msn=${msn}&_HLS_part=${mdats(segment.body).length}&_HLS_skip=YES`, 'playlist'));
      if (!playlist.includes(`part-${msn + 1}.0.m4s`)) throw new Error(`segment ${msn + 1} did not follow:\n${playlist}`);
    }
    msn++;
  }
  tally.seconds = (Date.now() - started) / 1000;
  client.close();
  return tally;
}

/**
 * One listener at the live edge for `seconds`: the blocking reload, the part it names, and the state
 * poll when due. One request at a time, so the relay's count between two reads is that request's.
 */
async function listen(client: Client, proxy: CountingProxy, spaceId: string, seconds: number): Promise<Tally> {
  const { tally, fetchCounted, pollState } = counter(client, proxy, spaceId, seconds);
  let playlist = text(await client.get(`/hls/${spaceId}/audio.m3u8`));
  const started = Date.now();
  const end = started + seconds * 1000;
  let nextState = started;
  let lastPart = '';
  while (Date.now() < end) {
    if (Date.now() >= nextState) {
      await pollState();
      nextState += STATE_POLL_VISIBLE_MS;
    }
    const hint = /#EXT-X-PRELOAD-HINT:TYPE=PART,URI="part-(\d+)\.(\d+)\.m4s"/.exec(playlist);
    if (!hint) throw new Error(`no preload hint:\n${playlist}`);
    const name = `part-${hint[1]}.${hint[2]}.m4s`;
    // The blocking reload for the hinted part, then the part itself (now listed).
    playlist = text(await fetchCounted(`/hls/${spaceId}/audio.m3u8?_HLS_msn=${hint[1]}&_HLS_part=${hint[2]}&_HLS_skip=YES`, 'playlist'));
    if (name !== lastPart) {
      await fetchCounted(`/hls/${spaceId}/${name}`, 'part');
      lastPart = name;
    }
  }
  tally.seconds = (Date.now() - started) / 1000;
  client.close();
  return tally;
}

const round = (x: number, d = 2): number => +x.toFixed(d);

function summarize(t: Tally) {
  const per = (n: number): number => n / t.seconds;
  const audio = per(t.audioPayload);
  const statePerPoll = t.bytes.state / Math.max(1, t.requests.state);
  const hlsRequests = per(t.requests.playlist + t.requests.part + t.requests.segment);
  const hlsBytes = per(t.bytes.playlist + t.bytes.part + t.bytes.segment);
  const page = (pollMs: number) => {
    const requests = hlsRequests + 1000 / pollMs;
    const bytes = hlsBytes + statePerPoll * (1000 / pollMs);
    return {
      requests: round(requests), bytes: Math.round(bytes), ratioToAudio: round(bytes / audio),
      cdnAtAudience: { gigabytesPerSecond: round(bytes * AUDIENCE / 1e9, 1), requestsPerSecond: Math.round(requests * AUDIENCE) },
    };
  };
  return {
    seconds: round(t.seconds, 1),
    perListenerSecond: {
      playlist: { requests: round(per(t.requests.playlist)), bytes: Math.round(per(t.bytes.playlist)) },
      part: { requests: round(per(t.requests.part)), bytes: Math.round(per(t.bytes.part)) },
      segment: { requests: round(per(t.requests.segment)), bytes: Math.round(per(t.bytes.segment)) },
      statePoll: { bytes: Math.round(statePerPoll) },
      audioPayloadBytes: Math.round(audio),
    },
    pageVisible: page(STATE_POLL_VISIBLE_MS),
    pageHidden: page(STATE_POLL_HIDDEN_MS),
    audioOnlyGigabytesPerSecond: round(audio * AUDIENCE / 1e9, 1),
  };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tribune-bench-egress-'));
  const config = loadConfig({ overrides: { host: '127.0.0.1', port: 0, dataDir, logLevel: 'silent', stage: { udpPort: 0, bindAddress: '127.0.0.1' } } });
  const server = await startServer(config, { media: true });
  const origin = server.url.replace(/^http:\/\//, '');
  const edges: Edge[] = [];
  const proxies: CountingProxy[] = [];
  let cache: StreamCache | undefined;
  try {
    const plainEdge = await startEdge({ primary: origin });
    edges.push(plainEdge);
    const tlsEdge = await startEdge({ primary: origin }, { tls: true });
    edges.push(tlsEdge);
    // Segment streams: the same nginx with Varnish beside it sharing each segment while it is made.
    cache = await startStreamCache([origin]);
    const streamCache = `127.0.0.1:${cache.port}`;
    const plainStreamEdge = await startEdge({ primary: origin }, { streamCache });
    edges.push(plainStreamEdge);
    const tlsStreamEdge = await startEdge({ primary: origin }, { tls: true, streamCache });
    edges.push(tlsStreamEdge);
    const { token, spaceId } = await startLiveSpace(server.url, 'egress_host', 'Egress per listener');
    // Real speech, looped: Opus's bit rate depends on what it encodes.
    const pcm = speechPcm('A conversation at national scale costs the audio and little more. Questions come from the audience. '.repeat(3));
    const samples = new Int16Array(pcm.buffer, pcm.byteOffset, pcm.length / 2);
    let at = 0;
    const publisher = await publishWhip({
      url: `${server.url}/api/v1/spaces/${spaceId}/whip`, bearer: token,
      source: () => {
        if (at + 960 > samples.length) at = 0;
        const frame = samples.slice(at, at + 960);
        at += 960;
        return frame;
      },
    });
    const deadline = Date.now() + 15_000;
    while (!(await fetch(`http://127.0.0.1:${plainEdge.port}/hls/${spaceId}/audio.m3u8`)).ok) {
      if (Date.now() > deadline) throw new Error('no playlist within 15 s');
      await new Promise((r) => setTimeout(r, 100));
    }
    const runs: Record<string, ReturnType<typeof summarize>> = {};
    const plan = [
      ['http1', plainEdge, http1Client, listen], ['http2', tlsEdge, http2Client, listen],
      ['streamsHttp1', plainStreamEdge, http1Client, listenStreams], ['streamsHttp2', tlsStreamEdge, http2Client, listenStreams],
    ] as const;
    for (const [name, edge, client, player] of plan) {
      const proxy = await startCountingProxy(edge.port);
      proxies.push(proxy);
      process.stderr.write(`egress: one listener at the live edge (${player === listen ? 'parts' : 'segment streams'}) through the edge over ${client === http1Client ? 'HTTP/1.1' : 'HTTPS + HTTP/2'}, ${SECONDS} s\n`);
      runs[name] = summarize(await player(client(proxy.port), proxy, spaceId, SECONDS));
    }
    await publisher.close();
    type Run = ReturnType<typeof summarize>;
    const { http1, http2, streamsHttp1, streamsHttp2 } = runs as Record<(typeof plan)[number][0], Run>;
    const result = {
      bench: 'audience-egress',
      programBitrate: config.stage.programBitrate,
      partTargetMs: config.audience.partTargetMs,
      segmentTargetMs: config.audience.segmentTargetMs,
      audience: AUDIENCE,
      http1, http2,
      // audience.delivery 'segment-streams' through nginx with Varnish beside it (docs/edge.md).
      segmentStreams: { http1: streamsHttp1, http2: streamsHttp2 },
      goal: { ratioToAudio: 1.25, requests: 6 },
    };
    for (const [name, r] of [['HTTP/1.1, parts', http1], ['HTTP/2, parts', http2], ['HTTP/1.1, segment streams', streamsHttp1], ['HTTP/2, segment streams', streamsHttp2]] as const) {
      process.stdout.write(`egress per listener-second over ${name}: ${r.pageVisible.requests} requests, ${r.pageVisible.bytes} B `
        + `(${r.pageVisible.ratioToAudio}x the audio's ${r.perListenerSecond.audioPayloadBytes} B) with the page visible; `
        + `${r.pageHidden.requests} requests, ${r.pageHidden.ratioToAudio}x in a background tab. Goal: <= 6 requests, <= 1.25x\n`);
    }
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    for (const p of proxies) await p.close();
    for (const e of edges) await e.stop();
    await cache?.stop();
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), (err) => { process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`); process.exit(1); });
