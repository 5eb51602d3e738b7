import { useEffect, useState } from 'preact/hooks';
import { mountPage } from '../components/shell.js';
import { SpaceCard } from '../components/space-card.js';
import { FollowButton } from '../components/follow-button.js';
import { PushToggle } from '../components/push-toggle.js';
import { t } from '../i18n/index.js';
import { api, ApiError } from '../lib/api.js';
import { useNow } from '../lib/hooks.js';
import { knownUser } from '../lib/session.js';
import type { Profile, Space } from '../lib/types.js';

function handleFromPath(): string | null {
  return /^\/u\/([A-Za-z0-9_]{3,30})\/?$/.exec(location.pathname)?.[1] ?? null;
}

function SpaceSection({ id, title, spaces, empty, now }: { id: string; title: string; spaces: Space[]; empty: string; now: number }) {
  return (
    <section class="card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {spaces.length ? <ul class="spaces">{spaces.map((s) => <SpaceCard key={s.id} space={s} now={now} />)}</ul> : <p class="muted">{empty}</p>}
    </section>
  );
}

/** A host's public page: what is live, what is coming (with countdowns), the replays; follow, podcast and calendar feeds. */
function ProfilePage() {
  const handle = handleFromPath();
  const [profile, setProfile] = useState<Profile | null>(null);
  const [missing, setMissing] = useState(!handle);
  const now = useNow(30_000);
  useEffect(() => {
    if (!handle) return;
    api.profile(handle).then(setProfile, (err) => { if (err instanceof ApiError && err.status === 404) setMissing(true); });
  }, []);
  useEffect(() => { if (profile) document.title = `${profile.displayName} · Tribune`; }, [profile?.displayName]);

  if (missing) {
    return (
      <section class="card">
        <h1>{t('profile.notFound')}</h1>
        <p><a href="/">{t('nav.home')}</a></p>
      </section>
    );
  }
  if (!profile) return <p role="status">{t('common.loading')}</p>;
  const webcal = profile.calendarUrl.replace(/^https?:/, 'webcal:');
  const me = knownUser();
  return (
    <div class="profile">
      <section class="hero" aria-labelledby="title-h">
        <h1 id="title-h">{profile.displayName}</h1>
        <p class="muted">@{profile.handle}</p>
        <div class="row">
          {me?.handle !== profile.handle && <FollowButton handle={profile.handle} name={profile.displayName} />}
          <a class="button" href={webcal}>{t('profile.subscribeCalendar')}</a>
          <a class="button" href={profile.rssUrl}>{t('profile.podcast')}</a>
        </div>
        {me && me.handle !== profile.handle && <PushToggle />}
      </section>
      {profile.live.length > 0 && <SpaceSection id="live-h" title={t('home.live')} spaces={profile.live} empty="" now={now} />}
      <SpaceSection id="upcoming-h" title={t('home.upcoming')} spaces={profile.upcoming} empty={t('home.noUpcoming')} now={now} />
      <SpaceSection id="replays-h" title={t('profile.replays')} spaces={profile.replays} empty={t('profile.noReplays')} now={now} />
    </div>
  );
}

mountPage(ProfilePage);
