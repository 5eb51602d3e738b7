import { useEffect, useState } from 'preact/hooks';
import { AuthForm } from '../components/auth-form.js';
import { mountPage } from '../components/shell.js';
import { t, type MessageKey } from '../i18n/index.js';
import { api, ApiError } from '../lib/api.js';
import { formatDateTime } from '../lib/format.js';
import { useInterval } from '../lib/hooks.js';
import { currentUser, knownUser, logout } from '../lib/session.js';
import type { Space, User } from '../lib/types.js';

function SpaceItem({ space, user }: { space: Space; user: User | null }) {
  return (
    <li class="space-item">
      <span class={`pill ${space.state}`}>{t(`state.${space.state}` as MessageKey)}</span>
      <a href={`/s/${space.id}`}>{space.title}</a>
      <span class="muted">
        {t('listener.hostedBy', { name: space.host.displayName })}
        {space.state === 'scheduled' && space.scheduledStart ? ` · ${formatDateTime(space.scheduledStart)}` : ''}
      </span>
      {user?.id === space.host.id && <a class="button small" href={`/s/${space.id}/studio`}>{t('home.studio')}</a>}
    </li>
  );
}

function CreateSpace() {
  const [error, setError] = useState('');
  async function submit(e: Event) {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const when = String(form.get('start') ?? '');
    try {
      const space = await api.createSpace({
        title: String(form.get('title')).trim(),
        ...(String(form.get('description') ?? '').trim() ? { description: String(form.get('description')).trim() } : {}),
        // datetime-local is the host's wall clock: sent as an instant, with the host's zone for display.
        ...(when ? { scheduledStart: new Date(when).toISOString(), timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone } : {}),
      });
      location.assign(`/s/${space.id}/studio`);
    } catch (err) {
      setError(err instanceof ApiError ? `${t('error.generic')} (${err.code})` : t('error.generic'));
    }
  }
  return (
    <form class="create" onSubmit={submit} aria-labelledby="create-h">
      <h2 id="create-h">{t('home.create')}</h2>
      <div class="field"><label for="space-title">{t('home.spaceTitle')}</label><input id="space-title" name="title" required maxLength={120} /></div>
      <div class="field"><label for="space-desc">{t('home.description')}</label><textarea id="space-desc" name="description" rows={2} maxLength={2000} /></div>
      <div class="field"><label for="space-start">{t('home.start')}</label><input id="space-start" name="start" type="datetime-local" /></div>
      {error && <p class="error" role="alert">{error}</p>}
      <button type="submit" class="primary">{t('home.createButton')}</button>
    </form>
  );
}

function HomePage() {
  const [user, setUser] = useState<User | null>(knownUser());
  const [live, setLive] = useState<Space[]>([]);
  const [upcoming, setUpcoming] = useState<Space[]>([]);
  useEffect(() => { void currentUser().then(setUser); }, []);
  useInterval(async () => {
    const [l, u] = await Promise.all([api.spaces('live'), api.spaces('scheduled')]);
    setLive(l.spaces);
    setUpcoming(u.spaces);
  }, 10_000);

  return (
    <div class="home">
      <section class="hero">
        <h1>{t('home.heading')}</h1>
        <p>{t('home.tagline')}</p>
      </section>
      <div class="columns">
        <div>
          <section class="card" aria-labelledby="live-h">
            <h2 id="live-h">{t('home.live')}</h2>
            {live.length ? <ul class="spaces">{live.map((s) => <SpaceItem key={s.id} space={s} user={user} />)}</ul> : <p class="muted">{t('home.noLive')}</p>}
          </section>
          <section class="card" aria-labelledby="upcoming-h">
            <h2 id="upcoming-h">{t('home.upcoming')}</h2>
            {upcoming.length ? <ul class="spaces">{upcoming.map((s) => <SpaceItem key={s.id} space={s} user={user} />)}</ul> : <p class="muted">{t('home.noUpcoming')}</p>}
          </section>
        </div>
        <div>
          <section class="card" aria-labelledby="account-h">
            <h2 id="account-h">{user ? t('home.hello', { name: user.displayName }) : t('home.account')}</h2>
            {user ? (
              <div class="row">
                {(user.platformRole === 'moderator' || user.platformRole === 'admin') && <a class="button" href="/moderation">{t('moderation.heading')}</a>}
                <button type="button" onClick={() => void logout().then(() => setUser(null))}>{t('auth.logout')}</button>
              </div>
            ) : <AuthForm onDone={setUser} />}
          </section>
          {user && <section class="card"><CreateSpace /></section>}
        </div>
      </div>
    </div>
  );
}

mountPage(HomePage);
