import { useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { api } from '../lib/api.js';
import { errorText } from '../lib/error-text.js';
import type { SpaceState } from '../lib/types.js';

const LENGTHS = [15, 30, 60] as const;
/** The live programme reaches the recording a segment or two after it is spoken. */
const LIVE_MARGIN_MS = 4000;

/**
 * Make a clip: of the replay from where the player is, or of the last seconds of the live
 * programme. The server cuts it; the page then opens the clip's own page.
 */
export function ClipMaker({ state }: { state: SpaceState }) {
  const [seconds, setSeconds] = useState<number>(30);
  const [message, setMessage] = useState('');
  const live = state.state === 'live';

  async function make() {
    const durationMs = seconds * 1000;
    let fromMs: number;
    if (live) {
      const elapsed = Date.now() - Date.parse(state.startedAt ?? new Date().toISOString());
      fromMs = Math.max(0, elapsed - LIVE_MARGIN_MS - durationMs);
    } else {
      const replay = document.querySelector<HTMLAudioElement>('[data-testid="replay-audio"]');
      fromMs = Math.floor((replay?.currentTime ?? 0) * 1000);
    }
    setMessage(t('clip.making'));
    try {
      const clip = await api.makeClip(state.id, fromMs, durationMs);
      location.assign(new URL(clip.url).pathname);
    } catch (err) {
      setMessage(errorText(err));
    }
  }

  return (
    <div class="clip-maker">
      <label for="clip-length">{t('clip.length')}</label>
      <select id="clip-length" value={String(seconds)} onChange={(e) => setSeconds(Number((e.currentTarget as HTMLSelectElement).value))}>
        {LENGTHS.map((s) => <option key={s} value={String(s)}>{t('clip.seconds', { n: s })}</option>)}
      </select>
      <button type="button" onClick={make}>{live ? t('clip.makeLive') : t('clip.makeReplay')}</button>
      <span role="status" class="notice">{message}</span>
    </div>
  );
}
