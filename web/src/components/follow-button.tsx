import { useEffect, useState } from 'preact/hooks';
import { t, tn } from '../i18n/index.js';
import { call } from '../lib/api.js';
import { errorText } from '../lib/error-text.js';
import { knownUser } from '../lib/session.js';

/** Follow a host: their next go-live shows in your notifications (and as a push, if enabled). */
export function FollowButton({ handle, name }: { handle: string; name: string }) {
  const [state, setState] = useState<{ following: boolean; followers: number } | null>(null);
  const [message, setMessage] = useState('');
  const path = `/api/v1/profiles/${encodeURIComponent(handle)}/follow`;
  useEffect(() => { call<{ following: boolean; followers: number }>('GET', path).then(setState, () => {}); }, [handle]);
  if (!state) return null;
  async function toggle() {
    if (!knownUser()) { setMessage(t('follow.loginFirst')); return; }
    try {
      await call<void>(state!.following ? 'DELETE' : 'PUT', path);
      setState(await call<{ following: boolean; followers: number }>('GET', path));
    } catch (err) { setMessage(errorText(err)); }
  }
  return (
    <span class="follow">
      <button type="button" class={state.following ? '' : 'primary'} aria-pressed={state.following} onClick={toggle}>
        {state.following ? t('follow.following', { name }) : t('follow.follow', { name })}
      </button>
      <span class="muted">{tn('follow.followers', state.followers)}</span>
      <span role="status" class="notice">{message}</span>
    </span>
  );
}
