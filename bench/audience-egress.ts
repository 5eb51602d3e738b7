/**
 * What one LL-HLS listener costs a CDN: requests and bytes on the wire (status lines and headers
 * included) per listener-second, through the shipped nginx edge, next to the audio payload's own
 * bytes (the Opus packets: the physical limit).
 *
 * The whole origin runs (`startServer` with media): a node WHIP speaker reads speech, the stage mixes
 * and encodes the programme at its configured bit rate, the audience plane packages it. The listener
 * does what the web page does once hls.js plays smoothly: a blocking playlist reload per part (delta
 * update, `_HLS_skip=YES`), the part it names, and the page's `/state` poll (every 2 s while the page
 * is visible, every 30 s in a background tab), all with a browser's `Accept-Encoding`.
 *
 *   npx tsx bench/audience-egress.ts [--seconds 20] [--audience 1200000]
 *
 * Prints a JSON document (the last line on stdout) that scripts/bench.ts reads.
 */
import { Agent, request, type IncomingMessage } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { publishWhip } from '../src/clients/index.js';
import { loadConfig } from '../src/config/load.js';
import { startServer } from '../src/server.js';
import { startEdge } from '../test/helpers/nginx-edge.js';
import { speechPcm } from '../test/helpers/speech-program.js';

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

type Kind = 'playlist' | 'part' | 'state';
interface Tally { requests: Record<Kind, number>; bytes: Record<Kind, number>; audioPayload: number; seconds: number }

/** Bytes of a response on the wire: status line, headers, body (chunked framing aside). */
function wireSize(res: IncomingMessage, body: Buffer): number {
  let head = `HTTP/1.1 ${res.statusCode} ${res.statusMessage}\r\n`.length + 2;
  for (let i = 0; i < res.rawHeaders.length; i += 2) head += res.rawHeaders[i]!.length + res.rawHeaders[i + 1]!.length + 4;
  return head + body.length;
}

function get(agent: Agent, port: number, path: string): Promise<{ res: IncomingMessage; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent, headers: BROWSER_HEADERS }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ res, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const text = (r: { res: IncomingMessage; body: Buffer }): string => {
  const enc = r.res.headers['content-encoding'];
  return (enc === 'br' ? brotliDecompressSync(r.body) : enc === 'gzip' ? gunzipSync(r.body) : r.body).toString();
};

/** The Opus packets' bytes in a part: the mdat boxes' payloads. */
function mdatPayload(part: Buffer): number {
  let n = 0;
  for (let at = 0; at + 8 <= part.length;) {
    const size = part.readUInt32BE(at);
    if (size < 8) break;
    if (part.toString('latin1', at + 4, at + 8) === 'mdat') n += size - 8;
    at += size;
  }
  return n;
}

/** One listener at the live edge for `seconds`: blocking reload, the part it names, the state poll. */
async function listen(port: number, spaceId: string, seconds: number): Promise<Tally> {
  const agent = new Agent({ keepAlive: true, maxSockets: 2 });
  const tally: Tally = { requests: { playlist: 0, part: 0, state: 0 }, bytes: { playlist: 0, part: 0, state: 0 }, audioPayload: 0, seconds };
  const count = (r: { res: IncomingMessage; body: Buffer }, kind: Kind): void => {
    if (r.res.statusCode !== 200) throw new Error(`${kind}: HTTP ${r.res.statusCode}`);
    tally.requests[kind]++;
    tally.bytes[kind] += wireSize(r.res, r.body);
    if (kind === 'part') tally.audioPayload += mdatPayload(r.body);
  };
  let playlist = text(await get(agent, port, `/hls/${spaceId}/audio.m3u8`));
  const started = Date.now();
  const end = started + seconds * 1000;
  let nextState = started;
  let lastPart = '';
  const statePolls = (async () => {
    while (Date.now() < end) {
      count(await get(agent, port, `/api/v1/spaces/${spaceId}/state`), 'state');
      nextState += STATE_POLL_VISIBLE_MS;
      await new Promise((r) => setTimeout(r, Math.max(0, nextState - Date.now())));
    }
  })();
  while (Date.now() < end) {
    const hint = /#EXT-X-PRELOAD-HINT:TYPE=PART,URI="part-(\d+)\.(\d+)\.m4s"/.exec(playlist);
    if (!hint) throw new Error(`no preload hint:\n${playlist}`);
    const name = `part-${hint[1]}.${hint[2]}.m4s`;
    // The blocking reload for the hinted part, then the part itself (now listed).
    const reload = await get(agent, port, `/hls/${spaceId}/audio.m3u8?_HLS_msn=${hint[1]}&_HLS_part=${hint[2]}&_HLS_skip=YES`);
    count(reload, 'playlist');
    playlist = text(reload);
    if (name !== lastPart) {
      count(await get(agent, port, `/hls/${spaceId}/${name}`), 'part');
      lastPart = name;
    }
  }
  await statePolls;
  tally.seconds = (Date.now() - started) / 1000;
  agent.destroy();
  return tally;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tribune-bench-egress-'));
  const config = loadConfig({ overrides: { host: '127.0.0.1', port: 0, dataDir, logLevel: 'silent', stage: { udpPort: 0, bindAddress: '127.0.0.1' } } });
  const server = await startServer(config, { media: true });
  const edge = await startEdge({ primary: server.url.replace(/^http:\/\//, '') });
  try {
    const post = async (path: string, token: string | undefined, body: unknown): Promise<any> => {
      const res = await fetch(`${server.url}${path}`, {
        method: 'POST', body: JSON.stringify(body),
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      });
      if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return res.json();
    };
    const host = await post('/api/v1/auth/register', undefined, { handle: 'egress_host', password: 'what a listener costs' });
    const space = await post('/api/v1/spaces', host.token, { title: 'Egress per listener' });
    await post(`/api/v1/spaces/${space.id}/start`, host.token, {});
    // Real speech, looped: Opus's bit rate depends on what it encodes.
    const pcm = speechPcm('A conversation at national scale costs the audio and little more. Questions come from the audience. '.repeat(3));
    const samples = new Int16Array(pcm.buffer, pcm.byteOffset, pcm.length / 2);
    let at = 0;
    const publisher = await publishWhip({
      url: `${server.url}/api/v1/spaces/${space.id}/whip`, bearer: host.token,
      source: () => {
        if (at + 960 > samples.length) at = 0;
        const frame = samples.slice(at, at + 960);
        at += 960;
        return frame;
      },
    });
    const deadline = Date.now() + 15_000;
    while (!(await fetch(`http://127.0.0.1:${edge.port}/hls/${space.id}/audio.m3u8`)).ok) {
      if (Date.now() > deadline) throw new Error('no playlist within 15 s');
      await new Promise((r) => setTimeout(r, 100));
    }
    process.stderr.write(`egress: one listener at the live edge through the edge, ${SECONDS} s\n`);
    const t = await listen(edge.port, space.id, SECONDS);
    await publisher.close();

    const per = (n: number): number => n / t.seconds;
    const audio = per(t.audioPayload);
    const statePerPoll = t.bytes.state / Math.max(1, t.requests.state);
    const hlsRequests = per(t.requests.playlist + t.requests.part);
    const hlsBytes = per(t.bytes.playlist + t.bytes.part);
    const visible = { requests: hlsRequests + 1000 / STATE_POLL_VISIBLE_MS, bytes: hlsBytes + statePerPoll * (1000 / STATE_POLL_VISIBLE_MS) };
    const hidden = { requests: hlsRequests + 1000 / STATE_POLL_HIDDEN_MS, bytes: hlsBytes + statePerPoll * (1000 / STATE_POLL_HIDDEN_MS) };
    const round = (x: number, d = 2): number => +x.toFixed(d);
    const result = {
      bench: 'audience-egress',
      seconds: round(t.seconds, 1),
      programBitrate: config.stage.programBitrate,
      partTargetMs: config.audience.partTargetMs,
      perListenerSecond: {
        playlist: { requests: round(per(t.requests.playlist)), bytes: Math.round(per(t.bytes.playlist)) },
        part: { requests: round(per(t.requests.part)), bytes: Math.round(per(t.bytes.part)) },
        state: { requests: round(1000 / STATE_POLL_VISIBLE_MS), bytesPerPoll: Math.round(statePerPoll) },
        audioPayloadBytes: Math.round(audio),
      },
      pageVisible: { requests: round(visible.requests), bytes: Math.round(visible.bytes), ratioToAudio: round(visible.bytes / audio) },
      pageHidden: { requests: round(hidden.requests), bytes: Math.round(hidden.bytes), ratioToAudio: round(hidden.bytes / audio) },
      goal: { ratioToAudio: 1.25, requests: 6 },
      audience: AUDIENCE,
      cdnAtAudience: {
        visible: { gigabytesPerSecond: round(visible.bytes * AUDIENCE / 1e9, 1), requestsPerSecond: Math.round(visible.requests * AUDIENCE) },
        hidden: { gigabytesPerSecond: round(hidden.bytes * AUDIENCE / 1e9, 1), requestsPerSecond: Math.round(hidden.requests * AUDIENCE) },
        audioOnlyGigabytesPerSecond: round(audio * AUDIENCE / 1e9, 1),
      },
    };
    process.stdout.write(`egress per listener-second: ${result.pageVisible.requests} requests, ${result.pageVisible.bytes} B `
      + `(${result.pageVisible.ratioToAudio}x the audio's ${result.perListenerSecond.audioPayloadBytes} B) with the page visible; `
      + `${result.pageHidden.requests} requests, ${result.pageHidden.ratioToAudio}x in a background tab. Goal: <= 6 requests, <= 1.25x\n`);
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await edge.stop();
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), (err) => { process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`); process.exit(1); });
