import { pick, randomToken } from './random.js';

/** Every kind of junk request the flood mixes, with its share of the flood (weights sum to 100). */
export const FLOOD_MIX = {
  'random-path': 22,
  'forged-token': 10,
  'replayed-token': 6,
  question: 10,
  vote: 8,
  reaction: 14,
  login: 12,
  'listener-token': 8,
  'whep-offer': 10,
} as const;

export type FloodKind = keyof typeof FLOOD_MIX | 'slowloris' | 'endless-body';
export const FLOOD_KINDS = Object.keys(FLOOD_MIX) as Array<keyof typeof FLOOD_MIX>;

/** Share of requests that also carry a forged X-Forwarded-For (an edge must overwrite it). */
export const FORGED_XFF_SHARE = 0.3;

export interface JunkContext {
  readonly host: string;
  readonly spaceId: string;
  /** A real listener token minted once at setup and replayed from everywhere. */
  readonly replayedListenerToken: string | undefined;
  /** A real SDP offer from a WebRTC peer that was closed at once: it can never connect. */
  readonly whepOffer: string | undefined;
}

const CUMULATIVE: Array<[keyof typeof FLOOD_MIX, number]> = (() => {
  let sum = 0;
  return FLOOD_KINDS.map((k) => [k, (sum += FLOOD_MIX[k])] as [keyof typeof FLOOD_MIX, number]);
})();

export function pickKind(random: () => number): keyof typeof FLOOD_MIX {
  const x = random() * 100;
  for (const [k, upTo] of CUMULATIVE) if (x < upTo) return k;
  return 'random-path';
}

const REACTIONS = ['clap', 'heart', 'laugh', 'fire', 'thumbsup'];

/** One request on the wire, ready to pipeline. `xff` says whether it forged X-Forwarded-For. */
export function junkRequest(kind: keyof typeof FLOOD_MIX, ctx: JunkContext, random: () => number): { bytes: Buffer; xff: boolean } {
  const space = `/api/v1/spaces/${ctx.spaceId}`;
  const xff = random() < FORGED_XFF_SHARE;
  const headers: string[] = [`Host: ${ctx.host}`, 'User-Agent: tribune-loadtest-flood'];
  if (xff) headers.push(`X-Forwarded-For: 10.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}.${1 + Math.floor(random() * 254)}`);
  const forged = (): string => `Authorization: Bearer ${pick(random, ['tks_', 'tkl_', 'tkst_', ''])}${randomToken(random, 43)}`;
  let method = 'GET';
  let path: string;
  let body: string | undefined;
  let type = 'application/json';
  switch (kind) {
    case 'random-path':
      path = pick(random, [
        `/${randomToken(random, 8)}`, `/api/v1/${randomToken(random, 10)}`, `/hls/${randomToken(random, 12)}/audio.m3u8`,
        `/s/${randomToken(random, 10)}`, `/api/v1/spaces/${randomToken(random, 26)}`, `/wp-login.php?${randomToken(random, 6)}`,
      ]);
      break;
    case 'forged-token':
      path = pick(random, ['/api/v1/me', `${space}/questions?state=pending`]);
      headers.push(forged());
      break;
    case 'replayed-token':
      method = 'POST';
      path = `${space}/heartbeat`;
      body = JSON.stringify({ listenerToken: ctx.replayedListenerToken ?? randomToken(random, 40) });
      break;
    case 'question':
      method = 'POST';
      path = `${space}/questions`;
      headers.push(forged());
      body = JSON.stringify({ text: `junk ${randomToken(random, 30)}` });
      break;
    case 'vote':
      method = 'POST';
      path = `${space}/questions/${randomToken(random, 26)}/vote`;
      headers.push(forged());
      body = '{}';
      break;
    case 'reaction':
      method = 'POST';
      path = `${space}/reactions`;
      body = JSON.stringify({ reaction: pick(random, REACTIONS) });
      break;
    case 'login':
      method = 'POST';
      path = '/api/v1/auth/login';
      body = JSON.stringify({ handle: `u${randomToken(random, 10).replace(/[-]/g, '_')}`, password: randomToken(random, 16) });
      break;
    case 'listener-token':
      method = 'POST';
      path = `${space}/listener-token`;
      body = '{}';
      break;
    case 'whep-offer':
      method = 'POST';
      path = `${space}/whep`;
      body = ctx.whepOffer ?? 'v=0\r\n';
      type = 'application/sdp';
      break;
  }
  if (body !== undefined) headers.push(`Content-Type: ${type}`, `Content-Length: ${Buffer.byteLength(body)}`);
  return { bytes: Buffer.from(`${method} ${path} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n${body ?? ''}`), xff };
}
