import { t } from '../../i18n/index.js';
import { formatClock, formatNumber } from '../../lib/format.js';
import type { Space, SpaceState } from '../../lib/types.js';

/** What the host sees once the Space is over: how it went, and where the replay is. */
export function EndedSummary({ space, state }: { space: Space; state: SpaceState | null }) {
  const duration = space.startedAt && space.endedAt ? (Date.parse(space.endedAt) - Date.parse(space.startedAt)) / 1000 : null;
  const figures: Array<[string, string]> = [
    [t('summary.peak'), formatNumber(state?.listeners.peak ?? 0)],
    [t('summary.total'), formatNumber(state?.listeners.total ?? 0)],
    [t('summary.answered'), formatNumber(state?.questions.answered ?? 0)],
    ...(duration !== null ? [[t('summary.duration'), formatClock(duration)] as [string, string]] : []),
  ];
  return (
    <section class="card summary" aria-labelledby="summary-h" data-testid="ended-summary">
      <h2 id="summary-h">{t('summary.heading')}</h2>
      <dl class="figures">
        {figures.map(([label, value]) => (
          <div key={label}><dt>{label}</dt><dd>{value}</dd></div>
        ))}
      </dl>
      {space.replayUrl || state?.media.replayUrl
        ? <p><a class="button primary" href={`/s/${space.id}`}>{t('summary.replay')}</a></p>
        : <p class="muted">{t('summary.noReplay')}</p>}
    </section>
  );
}
