import { useState } from 'preact/hooks';
import { t, tn } from '../../i18n/index.js';
import type { Space, SpaceState } from '../../lib/types.js';

/** Title, state and the lifecycle buttons (go live; end, confirmed). */
export function SpaceHeader({ space, state, message, onTransition }: {
  space: Space; state: SpaceState | null; message: string; onTransition: (action: 'start' | 'end') => Promise<void>;
}) {
  const [confirmEnd, setConfirmEnd] = useState(false);
  const live = space.state === 'live';
  return (
    <section class="hero" aria-labelledby="title-h">
      <p class={`pill ${space.state}`}>{t(`state.${space.state}`)}</p>
      <h1 id="title-h">{space.title}</h1>
      <div class="row">
        {space.state === 'scheduled' && <button type="button" class="primary" onClick={() => onTransition('start')}>{t('studio.goLive')}</button>}
        {live && !confirmEnd && <button type="button" class="danger" onClick={() => setConfirmEnd(true)}>{t('studio.end')}</button>}
        {live && confirmEnd && (
          <>
            <button type="button" class="danger" onClick={() => void onTransition('end').then(() => setConfirmEnd(false))}>{t('studio.confirmEnd')}</button>
            <button type="button" onClick={() => setConfirmEnd(false)}>{t('common.cancel')}</button>
          </>
        )}
        <a class="button" href={space.listenPageUrl} target="_blank" rel="noopener">{t('studio.openListener')}</a>
      </div>
      {live && state && <p class="listeners" data-testid="listener-count">{tn('listener.count', state.listeners.count)}</p>}
      <p role="status" class="notice">{message}</p>
    </section>
  );
}
