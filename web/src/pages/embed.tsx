import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { LiveAudio } from '../components/live-audio.js';
import { lang, onLangChange, t } from '../i18n/index.js';
import { api, ApiError } from '../lib/api.js';
import { formatDateTime } from '../lib/format.js';
import { useInterval } from '../lib/hooks.js';
import { playReplay } from '../lib/hls-player.js';
import type { SpaceState } from '../lib/types.js';
import '../styles.css';

function spaceIdOfEmbed(): string | null {
  return /^\/embed\/([a-z]{1,3}_[A-Za-z0-9_-]{12})\/?$/.exec(location.pathname)?.[1] ?? null;
}

function ReplayAudio({ url }: { url: string }) {
  const audio = useRef<HTMLAudioElement>(null);
  useEffect(() => {
    let dispose: (() => void) | undefined;
    void playReplay(audio.current!, url).then((d) => { dispose = d; });
    return () => dispose?.();
  }, [url]);
  return <audio ref={audio} controls preload="metadata" aria-label={t('listener.replay')} data-testid="replay-audio" />;
}

/**
 * The player other sites frame (oEmbed answers with an iframe of it): the only page that may be
 * framed, and the smallest: title, state, play. It reads the same cacheable state as the listener page.
 */
function EmbedPage() {
  const spaceId = spaceIdOfEmbed();
  const [state, setState] = useState<SpaceState | null>(null);
  const [missing, setMissing] = useState(!spaceId);
  const [, setTick] = useState(0);
  useEffect(() => onLangChange(() => setTick((n) => n + 1)), []);
  useInterval(async () => {
    try { setState(await api.state(spaceId!)); } catch (err) { if (err instanceof ApiError && err.status === 404) setMissing(true); throw err; }
  }, state?.state === 'live' || state?.state === 'scheduled' || !state ? 1000 : 60_000, !missing);
  document.documentElement.lang = lang();

  if (missing) return <main class="embed"><h1>{t('listener.notFound')}</h1></main>;
  if (!state) return <main class="embed"><p role="status">{t('common.loading')}</p></main>;
  return (
    <main class="embed">
      <p class={`pill ${state.state}`}>{t(`state.${state.state}`)}</p>
      <h1>{state.title}</h1>
      {state.state === 'scheduled' && state.scheduledStart && <p>{formatDateTime(state.scheduledStart)}</p>}
      {(state.state === 'live' || state.state === 'scheduled') && <LiveAudio state={state} onPlaying={() => {}} />}
      {state.state === 'ended' && state.media.replayUrl && <ReplayAudio url={state.media.replayUrl} />}
      <p><a href={`/s/${state.id}`} target="_blank" rel="noopener">{t('embed.open')}</a></p>
    </main>
  );
}

render(<EmbedPage />, document.getElementById('app')!);
