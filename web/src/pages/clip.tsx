import { useEffect, useState } from 'preact/hooks';
import { mountPage } from '../components/shell.js';
import { ShareLink } from '../components/share-link.js';
import { t } from '../i18n/index.js';
import { api, ApiError } from '../lib/api.js';
import { formatClock } from '../lib/format.js';
import type { Clip, Space } from '../lib/types.js';

function idsFromPath(): { spaceId: string; clipId: string } | null {
  const m = /^\/s\/([a-z]{1,3}_[A-Za-z0-9_-]{12})\/clips\/(cl_[A-Za-z0-9_-]{12})\/?$/.exec(location.pathname);
  return m ? { spaceId: m[1]!, clipId: m[2]! } : null;
}

/** A clip's page: the player, the link to share (its preview card is written by the server), and the file. */
function ClipPage() {
  const ids = idsFromPath();
  const [clip, setClip] = useState<Clip | null>(null);
  const [space, setSpace] = useState<Space | null>(null);
  const [missing, setMissing] = useState(!ids);
  useEffect(() => {
    if (!ids) return;
    Promise.all([api.clip(ids.spaceId, ids.clipId), api.space(ids.spaceId)]).then(([c, s]) => { setClip(c); setSpace(s); }, (err) => {
      if (err instanceof ApiError && err.status === 404) setMissing(true);
    });
  }, []);
  if (missing) {
    return (
      <section class="card">
        <h1>{t('clip.notFound')}</h1>
        <p><a href="/">{t('nav.home')}</a></p>
      </section>
    );
  }
  if (!clip || !space) return <p role="status">{t('common.loading')}</p>;
  return (
    <div class="clip">
      <section class="hero" aria-labelledby="title-h">
        <p class="pill">{t('clip.label', { duration: formatClock(clip.durationMs / 1000) })}</p>
        <h1 id="title-h">{space.title}</h1>
        <p class="host">{t('listener.hostedBy', { name: space.host.displayName })}</p>
        <audio controls preload="metadata" src={clip.downloadUrl} aria-label={t('clip.player')} data-testid="clip-audio" />
        <p class="row">
          <a class="button" href={clip.downloadUrl} download>{t('clip.download')}</a>
          <a class="button" href={`/s/${space.id}`}>{t('clip.whole')}</a>
        </p>
      </section>
      <section class="card"><ShareLink id="clip-url" url={clip.url} label={t('clip.share')} /></section>
    </div>
  );
}

mountPage(ClipPage);
