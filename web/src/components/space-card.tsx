import { t } from '../i18n/index.js';
import { formatCountdown, formatDateTime } from '../lib/format.js';
import type { Space } from '../lib/types.js';

/** One Space in a list (home, profile): state, title, host, and the start with a countdown when upcoming. */
export function SpaceCard({ space, now, studio }: { space: Space; now: number; studio?: boolean }) {
  const start = space.scheduledStart ? Date.parse(space.scheduledStart) : null;
  return (
    <li class="space-item">
      <span class={`pill ${space.state}`}>{t(`state.${space.state}`)}</span>
      <a href={`/s/${space.id}`}>{space.title}</a>
      <span class="muted">
        {t('listener.hostedBy', { name: space.host.displayName })}
        {space.state === 'scheduled' && start !== null ? ` · ${formatDateTime(space.scheduledStart!)}` : ''}
      </span>
      {space.state === 'scheduled' && start !== null && start > now && (
        <span class="countdown-small" aria-live="off">{t('listener.startsIn', { when: formatCountdown(start - now) })}</span>
      )}
      {studio && <a class="button small" href={`/s/${space.id}/studio`}>{t('home.studio')}</a>}
    </li>
  );
}
