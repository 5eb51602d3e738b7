/** The captions files of a Space sit beside its HLS playlists (/hls/<id>/captions/…), behind the same edge. */
export interface LiveCue {
  readonly seq: number;
  readonly speakerId: string;
  readonly speaker: string;
  readonly text: string;
}

export interface TranscriptLine extends LiveCue {
  /** Seconds from the start of the replay. */
  readonly start: number;
  readonly end: number;
}

export function captionsBase(spaceId: string, mediaUrl: string | null): string {
  const fallback = `/hls/${encodeURIComponent(spaceId)}/`;
  try {
    return new URL('captions/', new URL(mediaUrl ?? fallback, location.href)).href;
  } catch {
    return `${fallback}captions/`;
  }
}

export async function fetchCues(base: string, from: number | undefined): Promise<{ language: string | null; cues: LiveCue[]; next: number }> {
  const res = await fetch(`${base}cues.json${from === undefined ? '' : `?from=${from}`}`);
  if (!res.ok) throw new Error(`cues: ${res.status}`);
  return res.json();
}

export async function fetchTranscript(base: string): Promise<TranscriptLine[] | null> {
  const res = await fetch(`${base}transcript.json`);
  if (res.status === 404) return null;
  if (!res.ok) throw new Error(`transcript: ${res.status}`);
  return ((await res.json()) as { lines: TranscriptLine[] }).lines;
}

/** 75.4 -> "1:15", 3725 -> "1:02:05". */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
