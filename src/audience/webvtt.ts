/** WebVTT text (W3C WebVTT; RFC 8216bis §3.1.4 for segments in HLS). Pure: no I/O, no clocks. */

export interface VttCue {
  /** Seconds on the segment's local timeline. */
  readonly start: number;
  readonly end: number;
  readonly speaker: string;
  readonly text: string;
}

/** hh:mm:ss.ttt (hours may exceed two digits). */
export function vttTime(seconds: number): string {
  const ms = Math.max(0, Math.round(seconds * 1000));
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const t = ms % 1000;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}.${String(t).padStart(3, '0')}`;
}

/** Cue text and voice annotations may not carry '&', '<', '>' raw; a voice name ends at '>'. */
function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\s*\n\s*/g, ' ');
}

function cueBlock(cue: VttCue): string {
  const voice = cue.speaker ? `<v ${escapeText(cue.speaker)}>` : '';
  return `${vttTime(cue.start)} --> ${vttTime(Math.max(cue.end, cue.start + 0.001))}\n${voice}${escapeText(cue.text)}`;
}

/**
 * One subtitle segment. X-TIMESTAMP-MAP ties the segment's LOCAL time `localStart` to the audio's
 * media timestamp (90 kHz, 33 bits), so any player puts the cues on the audio's timeline.
 */
export function renderVttSegment(cues: readonly VttCue[], map: { readonly mpegts: number; readonly localStart: number }): string {
  const header = `WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:${map.mpegts % 2 ** 33},LOCAL:${vttTime(map.localStart)}`;
  return [header, ...cues.map(cueBlock)].join('\n\n') + '\n';
}

/** A whole transcript as one WebVTT file (the download). */
export function renderVttDocument(cues: readonly VttCue[]): string {
  return ['WEBVTT', ...cues.map(cueBlock)].join('\n\n') + '\n';
}

/** "[00:01:02] Name: text" lines (the plain-text download). */
export function renderPlainTranscript(cues: readonly VttCue[]): string {
  return cues.map((c) => `[${vttTime(c.start).slice(0, 8)}] ${c.speaker ? `${c.speaker}: ` : ''}${c.text}`).join('\n') + '\n';
}
