/**
 * Reads captions the way an outside HLS client does: the multivariant playlist's SUBTITLES
 * rendition, its media playlist, and each WebVTT segment once, noting when each cue was first seen.
 */
export interface SeenCue {
  readonly speaker: string;
  readonly text: string;
  /** Seconds on the audio's media timeline (X-TIMESTAMP-MAP applied). */
  readonly start: number;
  readonly end: number;
  /** Date.now() when the segment holding it was fetched. */
  readonly seenAt: number;
  readonly msn: number;
}

const VTT_TIME = /(\d+):(\d{2}):(\d{2})\.(\d{3})/;
function seconds(t: string): number {
  const m = VTT_TIME.exec(t);
  if (!m) throw new Error(`bad VTT time ${t}`);
  return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) + Number(m[4]) / 1000;
}

export function parseVttSegment(body: string): { map: { mpegts: number; local: number }; cues: { start: number; end: number; speaker: string; text: string }[] } {
  if (!body.startsWith('WEBVTT')) throw new Error('not WebVTT');
  const mapLine = /X-TIMESTAMP-MAP=MPEGTS:(\d+),LOCAL:([\d:.]+)/.exec(body);
  if (!mapLine) throw new Error('no X-TIMESTAMP-MAP');
  const cues = [];
  for (const block of body.split(/\n\n+/).slice(1)) {
    const [timing, ...rest] = block.split('\n');
    if (!timing?.includes('-->')) continue;
    const [a, b] = timing.split('-->').map((s) => s.trim());
    const raw = rest.join(' ').trim();
    const voice = /^<v ([^>]*)>/.exec(raw);
    const text = raw.replace(/^<v [^>]*>/, '').replace(/<\/v>$/, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    cues.push({ start: seconds(a!), end: seconds(b!), speaker: voice?.[1] ?? '', text });
  }
  return { map: { mpegts: Number(mapLine[1]), local: seconds(mapLine[2]!) }, cues };
}

export class CaptionReader {
  readonly cues: SeenCue[] = [];
  readonly #base: string;
  readonly #fetched = new Set<string>();
  #playlist: string | undefined;

  /** `base` is the Space's HLS directory, e.g. http://host/hls/<id>/ */
  constructor(base: string) {
    this.#base = base;
  }

  /** One poll: finds the rendition, reads the playlist, fetches new segments. */
  async poll(): Promise<void> {
    if (!this.#playlist) {
      const res = await fetch(`${this.#base}index.m3u8`);
      if (!res.ok) return;
      const uri = /#EXT-X-MEDIA:TYPE=SUBTITLES,[^\n]*URI="([^"]+)"/.exec(await res.text())?.[1];
      if (!uri) return;
      this.#playlist = new URL(uri, this.#base).href;
    }
    const res = await fetch(this.#playlist);
    if (!res.ok) return;
    const text = await res.text();
    for (const name of text.split('\n').filter((l) => l && !l.startsWith('#'))) {
      const url = new URL(name, this.#playlist).href;
      if (this.#fetched.has(url)) continue;
      const seg = await fetch(url);
      if (!seg.ok) continue;
      this.#fetched.add(url);
      const seenAt = Date.now();
      const parsed = parseVttSegment(await seg.text());
      const msn = Number(/(\d+)\.vtt$/.exec(name)?.[1] ?? -1);
      for (const c of parsed.cues) this.cues.push({ ...c, seenAt, msn });
    }
  }

}
