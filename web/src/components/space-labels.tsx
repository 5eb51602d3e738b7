import { useState } from 'preact/hooks';
import { t, type MessageKey } from '../i18n/index.js';
import { call } from '../lib/api.js';
import { useInterval } from '../lib/hooks.js';
import '../trust-safety.css';

/** A moderation label (a DSA "labelling" restriction) as listeners see it: the category, in a banner. */
export function SpaceLabels({ spaceId }: { spaceId: string }) {
  const [labels, setLabels] = useState<Array<{ decisionId: string; category: string }>>([]);
  useInterval(async () => { setLabels((await call<{ labels: Array<{ decisionId: string; category: string }> }>('GET', `/api/v1/spaces/${encodeURIComponent(spaceId)}/labels`)).labels); }, 60_000);
  if (labels.length === 0) return null;
  return (
    <div class="space-label" role="note" data-testid="space-label">
      {labels.map((l) => <p key={l.decisionId}>{t('labels.text', { category: t(`category.${l.category}` as MessageKey) })}</p>)}
    </div>
  );
}
