/**
 * A listener with a LL-HLS player's request pattern (what hls.js and AVPlayer do at the live edge):
 * load the media playlist once, then for each next part: a blocking reload for it
 * (?_HLS_msn=M&_HLS_part=P), then GET the part. Counts what it got; stops on ENDLIST or abort.
 */
import { setMaxListeners } from 'node:events';
import { attributes } from './hls-playlist.js';

export interface ListenerResult {
  parts: string[];
  errors: number;
  playlistMs: number[];
  partBytes: number;
}

const PARTS_PER_SEGMENT_DEFAULT = 10;

function nextAfter(uri: string, partsPerSegment: number): { msn: number; part: number } {
  const m = /part-(\d+)\.(\d+)\.m4s/.exec(uri);
  if (!m) throw new Error(`not a part: ${uri}`);
  const msn = Number(m[1]);
  const part = Number(m[2]);
  return part + 1 >= partsPerSegment ? { msn: msn + 1, part: 0 } : { msn, part: part + 1 };
}

export async function runListener(base: string, stop: AbortSignal, partsPerSegment = PARTS_PER_SEGMENT_DEFAULT): Promise<ListenerResult> {
  // One signal per listener: fetch hangs a listener on the signal per request in flight.
  const local = new AbortController();
  setMaxListeners(0, local.signal);
  setMaxListeners(0, stop);
  stop.addEventListener('abort', () => local.abort(), { once: true });
  const signal = local.signal;
  const result: ListenerResult = { parts: [], errors: 0, playlistMs: [], partBytes: 0 };
  let text = '';
  for (;;) {
    if (signal.aborted) return result;
    try {
      const r = await fetch(`${base}/audio.m3u8`, { signal });
      text = await r.text();
      if (r.ok) break;
    } catch {
      if (signal.aborted) return result;
      result.errors++;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  // Start at the preload hint: the part being produced (the live edge).
  const hint = /#EXT-X-PRELOAD-HINT:(.*)/.exec(text)?.[1];
  if (!hint) return result;
  const [msn, part] = /part-(\d+)\.(\d+)/.exec(attributes(hint).URI!)!.slice(1).map(Number) as [number, number];
  let want = { msn, part };
  while (!signal.aborted) {
    const t0 = performance.now();
    let ended = false;
    try {
      const r = await fetch(`${base}/audio.m3u8?_HLS_msn=${want.msn}&_HLS_part=${want.part}`, { signal });
      text = await r.text();
      result.playlistMs.push(performance.now() - t0);
      if (r.status === 503) continue;
      if (!r.ok) { result.errors++; continue; }
      ended = text.includes('#EXT-X-ENDLIST');
      const uri = `part-${want.msn}.${want.part}.m4s`;
      if (!text.includes(`URI="${uri}"`)) {
        if (ended) return result;
        result.errors++;
        continue;
      }
      const p = await fetch(`${base}/${uri}`, { signal });
      const body = Buffer.from(await p.arrayBuffer());
      if (!p.ok) { result.errors++; continue; }
      result.parts.push(uri);
      result.partBytes += body.length;
      want = nextAfter(uri, partsPerSegment);
      if (ended && !text.includes(`URI="part-${want.msn}.${want.part}.m4s"`)) return result;
    } catch {
      if (signal.aborted) return result;
      result.errors++;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return result;
}
