import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { call } from '../lib/api.js';
import { errorText } from '../lib/error-text.js';
import type { Space, SpaceState, User } from '../lib/types.js';
import { ClipMaker } from './clip-maker.js';
import { FollowButton } from './follow-button.js';

/** "Remind me when it starts", for a logged-in listener of a Space not yet over. */
function RemindMe({ spaceId }: { spaceId: string }) {
  const [on, setOn] = useState<boolean | null>(null);
  const [message, setMessage] = useState('');
  const path = `/api/v1/spaces/${encodeURIComponent(spaceId)}/reminder`;
  useEffect(() => { call<{ reminded: boolean }>('GET', path).then((r) => setOn(r.reminded), () => {}); }, [spaceId]);
  if (on === null) return null;
  async function toggle() {
    try {
      await call<void>(on ? 'DELETE' : 'PUT', path);
      setOn(!on);
      setMessage(on ? '' : t('remind.set'));
    } catch (err) { setMessage(errorText(err)); }
  }
  return (
    <>
      <button type="button" aria-pressed={on} onClick={toggle}>{on ? t('remind.cancel') : t('remind.me')}</button>
      <span role="status" class="notice">{message}</span>
    </>
  );
}

/** Around the event: the host's page and follow, add to calendar, remind me, and a QR code of the link. */
export function AroundTheEvent({ space, state, user }: { space: Space; state: SpaceState; user: User | null }) {
  const open = state.state === 'scheduled' || state.state === 'live';
  return (
    <section class="card around" aria-labelledby="around-h">
      <h2 id="around-h">{t('around.heading')}</h2>
      <div class="row">
        <a class="button" href={`/u/${space.host.handle}`}>{t('around.hostPage', { name: space.host.displayName })}</a>
        {user && user.id !== space.host.id && <FollowButton handle={space.host.handle} name={space.host.displayName} />}
      </div>
      {open && (
        <div class="row">
          <a class="button" href={`/api/v1/spaces/${space.id}/event.ics`} download data-testid="add-to-calendar">{t('around.addToCalendar')}</a>
          {user && state.state === 'scheduled' && <RemindMe spaceId={space.id} />}
        </div>
      )}
      {user && (state.state === 'live' || (state.state === 'ended' && state.media.replayUrl)) && <ClipMaker state={state} />}
      <details class="qr">
        <summary>{t('around.qr')}</summary>
        <img src={`/api/v1/spaces/${space.id}/qr.svg`} width={160} height={160} alt={t('around.qrAlt', { title: space.title })} loading="lazy" />
      </details>
    </section>
  );
}
