import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { useInterval } from '../lib/hooks.js';
import { captionsBase, fetchCues, type LiveCue } from '../lib/captions.js';

const STORAGE_KEY = 'tribune.captions';
/** Lines kept on screen; older ones scroll away. */
const VISIBLE = 3;

function remembered(): boolean {
  try { return localStorage.getItem(STORAGE_KEY) === 'on'; } catch { return false; }
}

function remember(on: boolean): void {
  try { localStorage.setItem(STORAGE_KEY, on ? 'on' : 'off'); } catch { /* private mode: the toggle still works */ }
}

/**
 * Live captions under the player: a toggle (remembered on this device), and the last lines, each with
 * its speaker. Lines arrive whole (one per utterance, every few seconds at most per speaker), in a
 * polite live region that announces additions only, so a screen reader reads each line once and is
 * never interrupted.
 */
export function LiveCaptions({ spaceId, hlsUrl, language }: { spaceId: string; hlsUrl: string | null; language: string }) {
  const [on, setOn] = useState(remembered());
  const [lines, setLines] = useState<LiveCue[]>([]);
  const [available, setAvailable] = useState<boolean | null>(null);
  const next = useRef<number | undefined>(undefined);
  const base = captionsBase(spaceId, hlsUrl);

  useEffect(() => { next.current = undefined; setLines([]); }, [on]);

  useInterval(async () => {
    const answer = await fetchCues(base, next.current);
    setAvailable(answer.language !== null);
    // The first answer brings the recent past: show only what is still on screen.
    const fresh = next.current === undefined ? answer.cues.slice(-1) : answer.cues;
    next.current = answer.next;
    if (fresh.length) setLines((old) => [...old, ...fresh].slice(-VISIBLE));
  }, 1000, on);

  function toggle() {
    remember(!on);
    setOn(!on);
  }

  return (
    <section class="captions" aria-labelledby="captions-h">
      <h2 id="captions-h" class="sr-only">{t('captions.heading')}</h2>
      <button type="button" aria-pressed={on} onClick={toggle} data-testid="captions-toggle">
        <span aria-hidden="true">CC</span> {t('captions.toggle')}
      </button>
      {on && available === false && <p class="notice" data-testid="captions-unavailable">{t('captions.unavailable', { language })}</p>}
      {on && available !== false && (
        <div class="caption-lines" aria-live="polite" aria-relevant="additions" data-testid="caption-lines">
          {lines.length === 0 && <p class="muted">{t('captions.waiting')}</p>}
          {lines.map((l) => (
            <p key={l.seq} class="caption-line" lang={language}>
              {l.speaker && <strong>{l.speaker}: </strong>}{l.text}
            </p>
          ))}
        </div>
      )}
      {on && available && <p class="muted small">{t('captions.auto')}</p>}
    </section>
  );
}
