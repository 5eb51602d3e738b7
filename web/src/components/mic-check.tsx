import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import type { Mic } from '../lib/mic.js';
import { openMic } from '../lib/mic.js';
import { LevelMeter } from './level-meter.js';

/** Asks for the microphone, then shows its level; the parent gets the Mic to publish. */
export function MicCheck({ mic, onMic }: { mic: Mic | null; onMic: (mic: Mic | null) => void }) {
  const [level, setLevel] = useState(0);
  const [error, setError] = useState('');
  useEffect(() => {
    if (!mic) return;
    const id = setInterval(() => setLevel(mic.level()), 100);
    return () => clearInterval(id);
  }, [mic]);

  async function open() {
    setError('');
    try { onMic(await openMic()); } catch (err) {
      setError((err as DOMException).name === 'NotAllowedError' ? t('mic.denied') : t('mic.unavailable'));
    }
  }

  return (
    <div class="mic">
      {mic ? (
        <>
          <LevelMeter level={level} label={t('mic.level')} />
          <span class="muted">{t('mic.ok')}</span>
        </>
      ) : <button type="button" onClick={open}>{t('mic.check')}</button>}
      {error && <p class="error" role="alert">{error}</p>}
    </div>
  );
}
