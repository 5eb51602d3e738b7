import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { onWaiting, type Waiting } from '../lib/waiting-room.js';

/** "≈ 3 min", or "less than a minute". */
function waitText(seconds: number): string {
  return seconds < 60 ? t('room.underAMinute') : t('room.minutes', { minutes: Math.ceil(seconds / 60) });
}

/**
 * Where this listener stands in the waiting room while one of their actions is held; the audio
 * keeps playing over LL-HLS, and the action goes through by itself once admitted.
 */
export function WaitingRoomNotice() {
  const [waiting, setWaiting] = useState<Waiting | null>(null);
  useEffect(() => onWaiting(setWaiting), []);
  if (!waiting) return null;
  return (
    <section class="card waiting-room" role="status" data-testid="waiting-room">
      <h2>{t('room.heading')}</h2>
      <p class="big">{t('room.position', { position: waiting.position })} <span data-testid="waiting-estimate">{waitText(waiting.estimatedWaitSeconds)}</span></p>
      <p>{t('room.why')}</p>
    </section>
  );
}
