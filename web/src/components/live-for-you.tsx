import { useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { call } from '../lib/api.js';
import { useInterval } from '../lib/hooks.js';
import type { Space } from '../lib/types.js';

const POLL_MS = 30_000;

/**
 * The in-app notification: Spaces live now among the hosts this account follows and the Spaces it
 * asked to be reminded of. Computed by the server when asked (nothing was written per follower).
 */
export function LiveForYou() {
  const [spaces, setSpaces] = useState<Space[]>([]);
  useInterval(async () => setSpaces((await call<{ spaces: Space[] }>('GET', '/api/v1/me/notifications')).spaces), POLL_MS);
  if (spaces.length === 0) return null;
  return (
    <section class="card for-you" aria-labelledby="for-you-h" data-testid="live-for-you">
      <h2 id="for-you-h">{t('notify.heading')}</h2>
      <ul class="spaces" role="status">
        {spaces.map((s) => (
          <li key={s.id} class="space-item">
            <span class="pill live">{t('state.live')}</span>
            <a href={`/s/${s.id}`}>{t('notify.live', { name: s.host.displayName, title: s.title })}</a>
          </li>
        ))}
      </ul>
    </section>
  );
}
