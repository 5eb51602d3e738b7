import type { HttpResponse } from './http-client.js';

/** What a simulated player needs from a media playlist. */
export interface PlaylistScan {
  readonly parts: ReadonlySet<string>;
  readonly ended: boolean;
  /** The preload-hinted part (the live edge), if any. */
  readonly hint: { msn: number; part: number } | undefined;
  readonly partTargetMs: number | undefined;
}

// Only EXT-X-PART lines: the preload hint names a part that does not exist yet.
const PART_URI = /^#EXT-X-PART:[^\n]*URI="part-(\d+)\.(\d+)\.m4s"/gm;
const HINT = /#EXT-X-PRELOAD-HINT:[^\n]*URI="part-(\d+)\.(\d+)\.m4s"/;
const PART_TARGET = /PART-TARGET=([\d.]+)/;

export function scanPlaylist(text: string): PlaylistScan {
  const parts = new Set<string>();
  for (const m of text.matchAll(PART_URI)) parts.add(`${m[1]}.${m[2]}`);
  const hint = HINT.exec(text);
  const target = PART_TARGET.exec(text);
  return {
    parts,
    ended: text.includes('#EXT-X-ENDLIST'),
    hint: hint ? { msn: Number(hint[1]), part: Number(hint[2]) } : undefined,
    partTargetMs: target ? Math.round(Number(target[1]) * 1000) : undefined,
  };
}

/** Parses a response once, however many listeners share it. */
export function scanResponse(res: HttpResponse): PlaylistScan {
  res.parsed ??= scanPlaylist(res.body.toString('utf8'));
  return res.parsed as PlaylistScan;
}
