import { TribuneError } from '../errors/catalogue.js';

/** What the stage needs from a WHIP/WHEP offer: the one audio section and its Opus payload type. */
export interface AudioOffer {
  readonly mid: string;
  readonly opusPayloadType: number;
  readonly direction: 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';
}

const DIRECTIONS = new Set(['sendrecv', 'sendonly', 'recvonly', 'inactive']);

/**
 * Checks an offer before libdatachannel sees it, so a client gets SDP_INVALID / SDP_NO_AUDIO /
 * SDP_NO_OPUS with a reason instead of a generic failure. Only what we rely on is checked.
 */
export function parseAudioOffer(sdp: string): AudioOffer {
  if (typeof sdp !== 'string' || sdp.length === 0) throw new TribuneError('SDP_INVALID', { detail: 'empty body' });
  const lines = sdp.split(/\r?\n/).filter((l) => l.length > 0);
  if (lines[0] !== 'v=0') throw new TribuneError('SDP_INVALID', { detail: 'first line must be v=0' });
  for (const line of lines) {
    if (!/^[a-z]=/.test(line)) throw new TribuneError('SDP_INVALID', { detail: `bad line "${line.slice(0, 40)}"` });
  }
  const sections: string[][] = [];
  const session: string[] = [];
  for (const line of lines) {
    if (line.startsWith('m=')) sections.push([line]);
    else (sections.at(-1) ?? session).push(line);
  }
  if (sections.length === 0) throw new TribuneError('SDP_INVALID', { detail: 'no media section' });
  const hasAttr = (section: readonly string[], name: string): boolean =>
    section.some((l) => l.startsWith(`a=${name}:`)) || session.some((l) => l.startsWith(`a=${name}:`));

  const audio = sections.filter((s) => /^m=audio [1-9]\d* /.test(s[0] ?? ''));
  if (audio.length === 0) throw new TribuneError('SDP_NO_AUDIO');
  for (const section of audio) {
    if (!hasAttr(section, 'ice-ufrag') || !hasAttr(section, 'ice-pwd')) {
      throw new TribuneError('SDP_INVALID', { detail: 'missing ICE credentials' });
    }
    if (!hasAttr(section, 'fingerprint')) throw new TribuneError('SDP_INVALID', { detail: 'missing DTLS fingerprint' });
    const opus = section
      .map((l) => /^a=rtpmap:(\d+) opus\/48000(?:\/\d+)?$/i.exec(l))
      .find((m) => m !== null);
    if (!opus) continue;
    const mid = section.map((l) => /^a=mid:(\S+)$/.exec(l)).find((m) => m !== null)?.[1];
    if (!mid) throw new TribuneError('SDP_INVALID', { detail: 'audio section without a=mid' });
    const direction = section.map((l) => l.slice(2)).find((a) => DIRECTIONS.has(a)) ?? 'sendrecv';
    const opusPayloadType = Number(opus[1]);
    if (opusPayloadType > 127) throw new TribuneError('SDP_INVALID', { detail: 'payload type out of range' });
    return { mid, opusPayloadType, direction: direction as AudioOffer['direction'] };
  }
  throw new TribuneError('SDP_NO_OPUS');
}

/**
 * Behind NAT the gathered host candidates are private; replace them with the advertised addresses on
 * the shared mux port. libdatachannel puts all candidates in the answer once gathering completes.
 */
export function advertiseCandidates(answer: string, addresses: readonly string[], port: number): string {
  if (addresses.length === 0) return answer;
  const eol = answer.includes('\r\n') ? '\r\n' : '\n';
  const out: string[] = [];
  for (const line of answer.split(/\r?\n/)) {
    if (line.startsWith('a=candidate:')) continue;
    if (line === 'a=end-of-candidates') {
      addresses.forEach((address, i) => {
        out.push(`a=candidate:${i + 1} 1 UDP ${2_122_260_223 - i} ${address} ${port} typ host`);
      });
    }
    out.push(line);
  }
  return out.join(eol);
}

/** `Link` header values for ICE servers, RFC 9725 §4.6 (rel="ice-server"). */
export function iceServerLinks(urls: readonly string[]): string[] {
  return urls.map((url) => `<${url}>; rel="ice-server"`);
}
