import { useEffect, useRef, useState } from 'preact/hooks';
import { AroundTheEvent } from '../components/around-the-event.js';
import { AuthForm } from '../components/auth-form.js';
import { ErrorPage } from '../components/error-page.js';
import { FloatingReactions } from '../components/floating-reactions.js';
import { RichText } from '../components/rich-text.js';
import { LiveAudio } from '../components/live-audio.js';
import { LiveCaptions } from '../components/live-captions.js';
import { ReplayTranscript } from '../components/replay-transcript.js';
import { ListenerQuestions } from '../components/questions.js';
import { Reactions } from '../components/reactions.js';
import { ShareLink } from '../components/share-link.js';
import { mountPage } from '../components/shell.js';
import { StageList } from '../components/stage-list.js';
import { ReportControl } from '../components/report-control.js';
import { ContextNotes } from '../components/context-notes.js';
import { RecordingNotice } from '../components/recording-notice.js';
import { SpaceLabels } from '../components/space-labels.js';
import { WaitingRoomNotice } from '../components/waiting-room-notice.js';
import { t, tn } from '../i18n/index.js';
import { api, ApiError } from '../lib/api.js';
import { formatCountdown, formatDateTime, viewerTimeZoneName } from '../lib/format.js';
import { spaceIdFromPath, useInterval, useNow, useVisible } from '../lib/hooks.js';
import { playReplay } from '../lib/hls-player.js';
import { pollState, type HeldState } from '../lib/state-poll.js';
import { currentUser, knownUser } from '../lib/session.js';
import type { Space, SpaceState, User } from '../lib/types.js';

/**
 * How often the page re-reads the (cacheable, 1 s) state. About to start: every second, so a waiting
 * page plays at go-live. Live: every 2 s while someone looks at it, every 30 s in a background tab or
 * on a locked phone, where nobody sees the stage or the questions (the audio needs no state: the
 * player follows the playlist). At a million listeners each poll a second is a million requests a
 * second at the CDN: docs/benchmarks.md, the egress per listener.
 */
function pollMs(state: SpaceState | null, visible: boolean): number {
  if (!state) return 1000;
  if (state.state === 'scheduled') return 1000;
  if (state.state === 'live') return visible ? 2000 : 30_000;
  return 60_000;
}

function Countdown({ state }: { state: SpaceState }) {
  const now = useNow(1000);
  if (!state.scheduledStart) return <p class="waiting">{t('listener.waiting')}</p>;
  const at = new Date(state.scheduledStart);
  const late = at.getTime() <= now;
  return (
    <div class="countdown">
      <p class="big" aria-live="off">{late ? t('listener.anyMoment') : t('listener.startsIn', { when: formatCountdown(at.getTime() - now) })}</p>
      <p>{t('listener.startsAt', { date: formatDateTime(state.scheduledStart), zone: viewerTimeZoneName(at) })}</p>
    </div>
  );
}

function Replay({ url, spaceId }: { url: string; spaceId: string }) {
  const audio = useRef<HTMLAudioElement>(null);
  useEffect(() => {
    let dispose: (() => void) | undefined;
    void playReplay(audio.current!, url).then((d) => { dispose = d; });
    // A link to a moment (`#t=<seconds>`, as the moderation queue gives) starts the replay there.
    const at = /^#t=(\d+)$/.exec(location.hash)?.[1];
    if (at) audio.current!.addEventListener('loadedmetadata', () => { audio.current!.currentTime = Number(at); }, { once: true });
    return () => dispose?.();
  }, [url]);
  return (
    <section class="card" aria-labelledby="replay-h">
      <h2 id="replay-h">{t('listener.replay')}</h2>
      <audio ref={audio} controls preload="metadata" aria-label={t('listener.replay')} data-testid="replay-audio" />
      <p><a href={`/hls/${spaceId}/recording.m4a`} download>{t('listener.download')}</a></p>
      <ReplayTranscript spaceId={spaceId} replayUrl={url} audio={audio} />
    </section>
  );
}

function SpeakRequest({ spaceId, user }: { spaceId: string; user: User }) {
  const [sent, setSent] = useState(false);
  const [message, setMessage] = useState('');
  const [seated, setSeated] = useState(false);
  // While a request is pending, watch for the seat the host's approval creates (one small read every 3 s, only for this user).
  useInterval(async () => {
    const { participants } = await api.stage(spaceId);
    if (participants.some((p) => p.userId === user.id)) setSeated(true);
  }, 3000, sent && !seated);
  if (seated) {
    return <p class="speak-request"><a class="button primary" href={`/s/${spaceId}/join`}>{t('listener.approvedJoin')}</a></p>;
  }
  async function toggle() {
    try {
      if (sent) await api.withdrawRequest(spaceId);
      else await api.requestToSpeak(spaceId);
      setSent(!sent);
      setMessage(sent ? '' : t('listener.requestSent'));
    } catch (err) {
      if (err instanceof ApiError && err.code === 'SPEAK_REQUEST_PENDING') { setSent(true); setMessage(t('listener.requestSent')); }
      else setMessage(t('error.generic'));
    }
  }
  return (
    <div class="speak-request">
      <button type="button" aria-pressed={sent} onClick={toggle}>{sent ? t('listener.withdraw') : t('listener.requestToSpeak')}</button>
      <span role="status" class="notice">{message}</span>
    </div>
  );
}

function ListenerPage() {
  const spaceId = spaceIdFromPath();
  const [state, setState] = useState<SpaceState | null>(null);
  const [space, setSpace] = useState<Space | null>(null);
  const [missing, setMissing] = useState(false);
  const [user, setUser] = useState<User | null>(knownUser());
  const [showAuth, setShowAuth] = useState(false);
  const [playing, setPlaying] = useState(false);
  const listenerToken = useRef<string | null>(null);
  const held = useRef<HeldState | null>(null);

  async function refresh() {
    if (!spaceId) return;
    try {
      held.current = await pollState(spaceId, held.current);
      const next = held.current.state;
      setState(next);
      if (!space || space.state !== next.state) setSpace(await api.space(spaceId));
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) setMissing(true);
      throw err;
    }
  }
  const visible = useVisible();
  useInterval(refresh, pollMs(state, visible), !!spaceId && !missing);
  useEffect(() => { void currentUser().then(setUser); }, []);
  useEffect(() => { document.title = state ? `${state.title} · Tribune` : 'Tribune'; }, [state?.title]);

  // Counted as a listener while playing: a signed token once, then a heartbeat every 30 s.
  useInterval(async () => {
    if (!spaceId) return;
    listenerToken.current ??= (await api.listenerToken(spaceId)).listenerToken;
    try {
      await api.heartbeat(spaceId, listenerToken.current);
    } catch (err) {
      // Tokens expire after some hours: the next beat asks for a new one.
      if (err instanceof ApiError && err.code === 'LISTENER_TOKEN_INVALID') listenerToken.current = null;
      throw err;
    }
  }, 30_000, playing);

  if (!spaceId || missing) return <ErrorPage message={t('listener.notFound')} />;
  if (!state) return <p role="status">{t('common.loading')}</p>;
  const live = state.state === 'live';

  return (
    <div class="listener">
      <section class="hero" aria-labelledby="title-h">
        <p class={`pill ${state.state}`}>{t(`state.${state.state}`)}</p>
        <h1 id="title-h">{state.title}</h1>
        {space && <p class="host">{t('listener.hostedBy', { name: space.host.displayName })}</p>}
        {space?.description && <RichText class="description" text={space.description} />}
        {state.state === 'scheduled' && <Countdown state={state} />}
        <LiveAudio state={state} onPlaying={setPlaying} />
        {live && <LiveCaptions spaceId={state.id} hlsUrl={state.media.hlsUrl} language={state.language} />}
        {live && <p class="listeners" data-testid="listener-count">{tn('listener.count', state.listeners.count)}</p>}
        <SpaceLabels spaceId={state.id} />
        {(live || state.state === 'scheduled') && <RecordingNotice to="listener" />}
        {(live || state.state === 'ended') && <ReportControl state={state} />}
      </section>

      <WaitingRoomNotice />

      {state.state === 'ended' && (state.media.replayUrl ? <Replay url={state.media.replayUrl} spaceId={state.id} /> : <p class="card">{t('listener.ended')}</p>)}

      <section class="card" aria-labelledby="stage-h">
        <h2 id="stage-h">{t('stage.heading')}</h2>
        <div class="stage-area">
          <StageList stage={state.stage} />
          {live && <FloatingReactions perSecond={state.reactions.perSecond} />}
        </div>
        {live && user && <SpeakRequest spaceId={state.id} user={user} />}
      </section>

      {live && <Reactions spaceId={state.id} totals={state.reactions.totals} enabled={live} />}
      <ListenerQuestions spaceId={state.id} state={state} user={user} onChange={() => void refresh()} />
      {(live || state.state === 'ended') && <ContextNotes state={state} user={user} />}

      {!user && (state.state === 'live' || state.state === 'scheduled') && (
        <section class="card" aria-labelledby="join-h">
          <h2 id="join-h">{t('listener.joinIn')}</h2>
          <p>{t('listener.joinWhy')}</p>
          {showAuth ? <AuthForm compact onDone={(u) => { setUser(u); setShowAuth(false); }} />
            : <button type="button" onClick={() => setShowAuth(true)}>{t('auth.login')}</button>}
        </section>
      )}

      <section class="card">
        <ShareLink id="share-url" url={space?.listenPageUrl ?? location.href} label={t('share.label')} />
      </section>
      {space && <AroundTheEvent space={space} state={state} user={user} />}
    </div>
  );
}

mountPage(ListenerPage);
