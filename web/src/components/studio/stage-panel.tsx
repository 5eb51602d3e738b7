import type { ComponentChildren } from 'preact';
import { t } from '../../i18n/index.js';
import type { StageEntry } from '../../lib/types.js';
import { FloatingReactions } from '../floating-reactions.js';
import { StageList } from '../stage-list.js';

export type StageAction = 'mute' | 'unmute' | 'remove' | 'promote' | 'demote';

/** The stage with the host's per-person controls (none once the Space is over). */
export function StagePanel({ stage, live, isHost, onAction, perSecond, children }: {
  stage: StageEntry[]; live: boolean; isHost: boolean; onAction: (p: StageEntry, a: StageAction) => void;
  perSecond?: Record<string, number> | undefined; children?: ComponentChildren;
}) {
  const actions = (p: StageEntry) => p.role === 'host' ? null : (
    <>
      <button type="button" class="small" onClick={() => onAction(p, 'mute')} disabled={p.muted} aria-label={t('studio.muteWho', { name: p.displayName })}>{t('speaker.mute')}</button>
      {isHost && <button type="button" class="small" onClick={() => onAction(p, p.role === 'speaker' ? 'promote' : 'demote')} aria-label={`${p.role === 'speaker' ? t('studio.promote') : t('studio.demote')}: ${p.displayName}`}>{p.role === 'speaker' ? t('studio.promote') : t('studio.demote')}</button>}
      <button type="button" class="small danger" onClick={() => onAction(p, 'remove')} aria-label={t('studio.removeWho', { name: p.displayName })}>{t('studio.remove')}</button>
    </>
  );
  return (
    <section class="card" aria-labelledby="stage-h">
      <h2 id="stage-h">{t('stage.heading')}</h2>
      <div class="stage-area">
        <StageList stage={stage} {...(live ? { actions } : {})} />
        {live && perSecond && <FloatingReactions perSecond={perSecond} />}
      </div>
      {children}
    </section>
  );
}
