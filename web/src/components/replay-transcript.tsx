import { useEffect, useMemo, useState } from 'preact/hooks';
import type { RefObject } from 'preact';
import { t, tn } from '../i18n/index.js';
import { captionsBase, clock, fetchTranscript, type TranscriptLine } from '../lib/captions.js';

function highlight(text: string, query: string) {
  if (!query) return text;
  const at = text.toLowerCase().indexOf(query.toLowerCase());
  if (at < 0) return text;
  return <>{text.slice(0, at)}<mark>{text.slice(at, at + query.length)}</mark>{text.slice(at + query.length)}</>;
}

/**
 * The replay's transcript beside the player: every line with its speaker and time; a line seeks the
 * replay there; a search filters the lines; downloads as WebVTT and plain text.
 */
export function ReplayTranscript({ spaceId, replayUrl, audio }: { spaceId: string; replayUrl: string; audio: RefObject<HTMLAudioElement> }) {
  const [lines, setLines] = useState<TranscriptLine[] | null | undefined>(undefined);
  const [query, setQuery] = useState('');
  const [now, setNow] = useState(0);
  const base = captionsBase(spaceId, replayUrl);

  useEffect(() => { fetchTranscript(base).then(setLines, () => setLines(null)); }, [base]);
  useEffect(() => {
    const el = audio.current;
    if (!el) return;
    const update = () => setNow(el.currentTime);
    el.addEventListener('timeupdate', update);
    return () => el.removeEventListener('timeupdate', update);
  }, [audio.current]);

  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    return (lines ?? []).filter((l) => !q || l.text.toLowerCase().includes(q) || l.speaker.toLowerCase().includes(q));
  }, [lines, query]);

  if (lines === undefined) return null;
  if (lines === null || lines.length === 0) return <p class="muted" data-testid="transcript-none">{t('transcript.none')}</p>;

  function seek(line: TranscriptLine) {
    const el = audio.current;
    if (!el) return;
    el.currentTime = line.start;
    void el.play().catch(() => {});
  }

  const current = lines.findLast?.((l) => l.start <= now + 0.05) ?? null;
  return (
    <section class="transcript" aria-labelledby="transcript-h" data-testid="transcript">
      <h3 id="transcript-h">{t('transcript.heading')}</h3>
      <div class="field">
        <label for="transcript-q">{t('transcript.search')}</label>
        <input id="transcript-q" type="search" value={query} onInput={(e) => setQuery((e.currentTarget as HTMLInputElement).value)} />
      </div>
      <p class="muted small" role="status">{query.trim() ? tn('transcript.matches', shown.length) : ''}</p>
      <ol class="transcript-lines">
        {shown.map((l) => (
          <li key={l.seq}>
            <button type="button" class="line" aria-current={current?.seq === l.seq ? 'true' : undefined}
              aria-label={t('transcript.seek', { time: clock(l.start), speaker: l.speaker, text: l.text })} onClick={() => seek(l)} data-start={l.start}>
              <span class="time">{clock(l.start)}</span> {l.speaker && <strong>{l.speaker}: </strong>}{highlight(l.text, query.trim())}
            </button>
          </li>
        ))}
      </ol>
      <p class="downloads">
        <a href={`${base}transcript.vtt`} download>{t('transcript.downloadVtt')}</a>{' · '}
        <a href={`${base}transcript.txt`} download>{t('transcript.downloadText')}</a>
      </p>
    </section>
  );
}
