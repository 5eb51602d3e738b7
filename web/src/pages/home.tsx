import { useEffect, useState } from 'preact/hooks';
import { AuthForm } from '../components/auth-form.js';
import { CharCount } from '../components/char-count.js';
import { LiveForYou } from '../components/live-for-you.js';
import { SpaceCard } from '../components/space-card.js';
import { mountPage } from '../components/shell.js';
import { t, type MessageKey } from '../i18n/index.js';
import { api } from '../lib/api.js';
import { formatDateTime } from '../lib/format.js';
import { errorText } from '../lib/error-text.js';
import { useInterval, useNow } from '../lib/hooks.js';
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

const TITLE_MAX = 120;
const DESCRIPTION_MAX = 2000;

function CreateSpace() {
  const [error, setError] = useState('');
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  async function submit(e: Event) {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const when = String(form.get('start') ?? '');
    // Spaces alone are no title: say so here rather than send it to be refused.
    if (!title.trim()) { setError(t('home.titleRequired')); return; }
    try {
      const space = await api.createSpace({
        title: String(form.get('title')).trim(),
        ...(String(form.get('description') ?? '').trim() ? { description: String(form.get('description')).trim() } : {}),
        // datetime-local is the host's wall clock: sent as an instant, with the host's zone for display.
        ...(when ? { scheduledStart: new Date(when).toISOString(), timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone } : {}),
      });
      location.assign(`/s/${space.id}/studio`);
    } catch (err) {
      setError(errorText(err, 'home.titleRequired'));
    }
  }
  return (
    <form class="create" onSubmit={submit} aria-labelledby="create-h">
      <h2 id="create-h">{t('home.create')}</h2>
      <div class="field">
        <label for="space-title">{t('home.spaceTitle')}</label>
        <input id="space-title" name="title" required maxLength={TITLE_MAX} aria-describedby="space-title-count" value={title} onInput={(e) => setTitle((e.currentTarget as HTMLInputElement).value)} />
        <CharCount id="space-title-count" length={title.length} max={TITLE_MAX} />
      </div>
      <div class="field">
        <label for="space-desc">{t('home.description')}</label>
        <textarea id="space-desc" name="description" rows={3} maxLength={DESCRIPTION_MAX} aria-describedby="space-desc-count" value={description} onInput={(e) => setDescription((e.currentTarget as HTMLTextAreaElement).value)} />
        <CharCount id="space-desc-count" length={description.length} max={DESCRIPTION_MAX} />
      </div>
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
  const [replays, setReplays] = useState<Space[]>([]);
  const now = useNow(30_000);
  useEffect(() => { void currentUser().then(setUser); }, []);
  useInterval(async () => {
    const [l, u, r] = await Promise.all([api.spaces('live'), api.spaces('scheduled'), api.spaces('ended')]);
    setLive(l.spaces);
    // Soonest first; those without a time last.
    setUpcoming([...u.spaces].sort((a, b) => Date.parse(a.scheduledStart ?? '9999-12-31') - Date.parse(b.scheduledStart ?? '9999-12-31')));
    setReplays(r.spaces.filter((s) => s.replayUrl).slice(0, 10));
  }, 10_000);

  return (
    <div class="home">
      <section class="hero">
        <h1>{t('home.heading')}</h1>
        <p>{t('home.tagline')}</p>
      </section>
      {user && <LiveForYou />}
      <div class="columns">
        <div>
          <section class="card" aria-labelledby="live-h">
            <h2 id="live-h">{t('home.live')}</h2>
            {live.length ? <ul class="spaces">{live.map((s) => <SpaceItem key={s.id} space={s} user={user} />)}</ul> : <p class="muted">{t('home.noLive')}</p>}
          </section>
          <section class="card" aria-labelledby="upcoming-h">
            <h2 id="upcoming-h">{t('home.upcoming')}</h2>
            {upcoming.length ? <ul class="spaces">{upcoming.map((s) => <SpaceCard key={s.id} space={s} now={now} studio={user?.id === s.host.id} />)}</ul> : <p class="muted">{t('home.noUpcoming')}</p>}
          </section>
          <section class="card" aria-labelledby="replays-h">
            <h2 id="replays-h">{t('home.replays')}</h2>
            {replays.length ? <ul class="spaces">{replays.map((s) => <SpaceCard key={s.id} space={s} now={now} />)}</ul> : <p class="muted">{t('profile.noReplays')}</p>}
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
