import { t } from '../../i18n/index.js';
import type { SpaceState } from '../../lib/types.js';

/**
 * Tells the host when the origin defends itself: the audience keeps listening and the stage keeps
 * talking, but some listeners' writes are refused, slowed or queued (docs/security.md).
 */
export function DefenceBanner({ state }: { state: SpaceState | null }) {
  const d = state?.defence;
  if (!d || (!d.shedding && !d.underAttack && !d.waitingRoom)) return null;
  const says = [d.shedding && t('defence.shedding'), d.underAttack && t('defence.underAttack'), d.waitingRoom && t('defence.waitingRoom')].filter(Boolean);
  return (
    <p class="card defence" role="status" data-testid="defence-banner">
      <strong>{t('defence.title')}</strong>{' '}{says.join(' ')}
    </p>
  );
}
