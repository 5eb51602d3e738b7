import { t } from '../../i18n/index.js';
import type { SpeakRequest } from '../../lib/types.js';

/** Pending requests to speak, each with approve and deny. */
export function RequestsList({ requests, onAnswer }: { requests: SpeakRequest[]; onAnswer: (r: SpeakRequest, approve: boolean) => void }) {
  return (
    <>
      <h3>{t('studio.requests')}</h3>
      {requests.length === 0 ? <p class="muted">{t('studio.noRequests')}</p> : (
        <ul class="requests">
          {requests.map((r) => (
            <li key={r.id}>
              <span>{r.user?.displayName ?? r.userId}</span>
              <button type="button" class="small primary" onClick={() => onAnswer(r, true)}>{t('studio.approve')}</button>
              <button type="button" class="small" onClick={() => onAnswer(r, false)}>{t('studio.deny')}</button>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
