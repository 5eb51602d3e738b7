import { useState } from 'preact/hooks';
import { t, type MessageKey } from '../i18n/index.js';
import { api } from '../lib/api.js';
import { formatNumber } from '../lib/format.js';
import { REACTIONS, type Reaction } from '../lib/types.js';
import { ReactionGlyph } from './reaction-glyph.js';


/** Reaction buttons with the running totals; sends are fire-and-forget (counted per second server-side). */
export function Reactions({ spaceId, totals, enabled }: { spaceId: string; totals: Record<string, number>; enabled: boolean }) {
  const [mine, setMine] = useState<Record<string, number>>({});
  function send(r: Reaction) {
    setMine({ ...mine, [r]: (mine[r] ?? 0) + 1 });
    void api.react(spaceId, r).catch(() => {});
  }
  return (
    <section class="card" aria-labelledby="reactions-h">
      <h2 id="reactions-h">{t('reactions.heading')}</h2>
      <div class="reactions">
        {REACTIONS.map((r) => (
          <button type="button" key={r} class="reaction" disabled={!enabled} onClick={() => send(r)}>
            <ReactionGlyph reaction={r} />
            <span class="label">{t(`reaction.${r}` as MessageKey)}</span>
            <span class="count">{formatNumber((totals[r] ?? 0) + (mine[r] ?? 0))}</span>
          </button>
        ))}
      </div>
    </section>
  );
}
