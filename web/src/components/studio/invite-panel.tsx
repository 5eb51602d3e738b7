import { useEffect, useState } from 'preact/hooks';
import { t } from '../../i18n/index.js';
import { api } from '../../lib/api.js';
import type { Participant, StageToken } from '../../lib/types.js';
import { ShareLink } from '../share-link.js';

/**
 * Single-use invite links. A link is shown until someone takes its seat (the stage grows), then it
 * is withdrawn from the screen: it would only be refused.
 */
export function InvitePanel({ spaceId, participants, onError }: { spaceId: string; participants: Participant[]; onError: (err: unknown) => void }) {
  const [invite, setInvite] = useState<{ link: StageToken; seats: number } | null>(null);
  useEffect(() => {
    if (invite && participants.length > invite.seats) setInvite(null);
  }, [participants.length]);
  const create = (role: 'speaker' | 'cohost') => api.invite(spaceId, role).then((link) => setInvite({ link, seats: participants.length }), onError);
  return (
    <div class="invite">
      <div class="row">
        <button type="button" onClick={() => create('speaker')}>{t('studio.inviteSpeaker')}</button>
        <button type="button" onClick={() => create('cohost')}>{t('studio.inviteCohost')}</button>
      </div>
      {invite && <ShareLink id="invite-url" url={invite.link.inviteUrl} label={t('studio.inviteLink')} />}
    </div>
  );
}
