import { useEffect, useRef, useState } from 'preact/hooks';
import { AudienceChart, type ChartSample } from '../components/audience-chart.js';
import { AuthForm } from '../components/auth-form.js';
import { MicCheck } from '../components/mic-check.js';
import { RecordingNotice } from '../components/recording-notice.js';
import { QuestionQueue, type QuestionAction } from '../components/question-queue.js';
import { ShareLink } from '../components/share-link.js';
import { mountPage } from '../components/shell.js';
import { StageList } from '../components/stage-list.js';
import { t, tn, type MessageKey } from '../i18n/index.js';
import { api, ApiError } from '../lib/api.js';
import { spaceIdFromPath, useInterval } from '../lib/hooks.js';
import { openLiveChannel } from '../lib/live-channel.js';
import type { Mic } from '../lib/mic.js';
import { currentUser, knownUser, sessionToken } from '../lib/session.js';
import type { MediaSession } from '../lib/webrtc.js';
import { publish } from '../lib/whip.js';
import type { Participant, Question, Space, SpaceState, SpeakRequest, StageEntry, StageToken, User } from '../lib/types.js';

const CHART_WINDOW_MS = 10 * 60_000;

function sumValues(r: Record<string, number>): number {
  return Object.values(r).reduce((a, b) => a + b, 0);
}

function StudioPage() {
  const spaceId = spaceIdFromPath()!;
  const [user, setUser] = useState<User | null>(knownUser());
  const [space, setSpace] = useState<Space | null>(null);
  const [state, setState] = useState<SpaceState | null>(null);
  const [participants, setParticipants] = useState<Participant[]>([]);
  const [requests, setRequests] = useState<SpeakRequest[]>([]);
  const [questions, setQuestions] = useState<Question[]>([]);
  const [invite, setInvite] = useState<StageToken | null>(null);
  const [mic, setMic] = useState<Mic | null>(null);
  const [onAir, setOnAir] = useState<MediaSession | null>(null);
  const [message, setMessage] = useState('');
  const [confirmEnd, setConfirmEnd] = useState(false);
  const [samples, setSamples] = useState<ChartSample[]>([]);
  const [token, setToken] = useState(sessionToken());

  useEffect(() => { void currentUser().then(setUser); }, []);
  const fail = (err: unknown) => setMessage(`${t("error.generic")} (${(err as { code?: string }).code ?? (err as Error).name}: ${(err as Error).message})`);

  async function loadLists() {
    const [sp, st, qs] = await Promise.all([api.space(spaceId), api.stage(spaceId), api.questions(spaceId, 'pending,approved')]);
    setSpace(sp);
    setParticipants(st.participants);
    setQuestions(qs.questions);
    if (sp.state === 'live' || sp.state === 'scheduled') setRequests((await api.speakRequests(spaceId)).requests);
  }

  useEffect(() => {
    if (!user) return;
    loadLists().catch(fail);
    // Stage channel events say something changed; the lists are re-read (events carry ids, not views).
    let pending: ReturnType<typeof setTimeout> | undefined;
    return openLiveChannel(spaceId, (e) => {
      if (e.type === 'stage.levels' || e.type === 'reactions' || e.type === 'listeners' || e.type === 'hello' || e.type === 'pong') return;
      clearTimeout(pending);
      pending = setTimeout(() => void loadLists().catch(() => {}), 100);
    });
  }, [user?.id]);

  useInterval(async () => {
    const next = await api.state(spaceId);
    setState(next);
    if (next.state === 'live') {
      const now = Date.now();
      const point = { at: now, listeners: next.listeners.count, reactions: sumValues(next.reactions.perSecond) };
      setSamples((prev) => [...prev.filter((s) => now - s.at < CHART_WINDOW_MS), point]);
    }
  }, 1000, !!user);

  // Publishing: the host's mic goes on air over WHIP once the Space is live.
  async function goOnAir() {
    if (!mic || !token || onAir) return;
    try { setOnAir(await publish(`/api/v1/spaces/${spaceId}/whip`, mic.track, token)); } catch (err) { setWantAir(false); fail(err); }
  }
  async function offAir() {
    setWantAir(false);
    await onAir?.close();
    setOnAir(null);
  }
  // On air as soon as the Space is live and the mic is open, whichever comes first (unless stopped by hand).
  const [wantAir, setWantAir] = useState(true);
  const connecting = useRef(false);
  useEffect(() => {
    if (space?.state !== 'live' || !mic || !token || onAir || !wantAir || connecting.current) return;
    connecting.current = true;
    void goOnAir().finally(() => { connecting.current = false; });
  }, [space?.state, mic, token, onAir, wantAir]);
  const onAirRef = useRef(onAir);
  onAirRef.current = onAir;
  useEffect(() => () => { void onAirRef.current?.close(); mic?.stop(); }, []);

  async function transition(action: 'start' | 'end') {
    try {
      const sp = await api.transition(spaceId, action);
      setSpace(sp);
      setConfirmEnd(false);
      if (action === 'end') await offAir();
    } catch (err) { fail(err); }
  }

  async function act(q: Question, a: QuestionAction) {
    try { await api.questionAction(spaceId, q.id, a); await loadLists(); } catch (err) { fail(err); }
  }

  async function stageAction(p: StageEntry, action: 'mute' | 'unmute' | 'remove' | 'promote' | 'demote') {
    try {
      if (action === 'mute' || action === 'unmute') await api.mute(spaceId, p.participantId, action === 'mute');
      else if (action === 'remove') await api.remove(spaceId, p.participantId);
      else await api.setRole(spaceId, p.participantId, action === 'promote' ? 'cohost' : 'speaker');
      await loadLists();
    } catch (err) { fail(err); }
  }

  if (!user) {
    return (
      <section class="card narrow">
        <h1>{t('studio.heading')}</h1>
        <p>{t('studio.loginFirst')}</p>
        <AuthForm onDone={(u) => { setUser(u); setToken(sessionToken()); }} />
      </section>
    );
  }
  if (!space) return <p role="status">{message || t('common.loading')}</p>;

  const live = space.state === 'live';
  const mine = participants.find((p) => p.userId === user.id);
  const isHost = space.host.id === user.id;
  const stage: StageEntry[] = state?.stage ?? participants.map((p) => ({ participantId: p.id, displayName: p.displayName, role: p.role, muted: p.muted, speaking: false, level: 0 }));

  return (
    <div class="studio">
      <section class="hero" aria-labelledby="title-h">
        <p class={`pill ${space.state}`}>{t(`state.${space.state}` as MessageKey)}</p>
        <h1 id="title-h">{space.title}</h1>
        <RecordingNotice to="host" />
        <div class="row">
          {space.state === 'scheduled' && <button type="button" class="primary" onClick={() => transition('start')}>{t('studio.goLive')}</button>}
          {live && !confirmEnd && <button type="button" class="danger" onClick={() => setConfirmEnd(true)}>{t('studio.end')}</button>}
          {live && confirmEnd && (
            <>
              <button type="button" class="danger" onClick={() => transition('end')}>{t('studio.confirmEnd')}</button>
              <button type="button" onClick={() => setConfirmEnd(false)}>{t('common.cancel')}</button>
            </>
          )}
          <a class="button" href={space.listenPageUrl} target="_blank" rel="noopener">{t('studio.openListener')}</a>
        </div>
        {live && state && <p class="listeners" data-testid="listener-count">{tn('listener.count', state.listeners.count)}</p>}
        <p role="status" class="notice">{message}</p>
      </section>

      <section class="card" aria-labelledby="mic-h">
        <h2 id="mic-h">{t('studio.mic')}</h2>
        <MicCheck mic={mic} onMic={setMic} />
        {!token && <><p>{t('studio.reauth')}</p><AuthForm compact onDone={() => setToken(sessionToken())} /></>}
        {live && mic && token && (
          <div class="row">
            {onAir ? <button type="button" onClick={offAir}>{t('studio.offAir')}</button>
              : <button type="button" class="primary" onClick={() => setWantAir(true)}>{t('studio.onAir')}</button>}
            <span class="notice" data-testid="on-air">{onAir ? t('studio.isOnAir') : ''}</span>
            {mine && (
              <button type="button" aria-pressed={mine.muted} onClick={() => stageAction({ participantId: mine.id } as StageEntry, mine.muted ? 'unmute' : 'mute')}>
                {mine.muted ? t('speaker.unmute') : t('speaker.mute')}
              </button>
            )}
          </div>
        )}
      </section>

      <section class="card" aria-labelledby="stage-h">
        <h2 id="stage-h">{t('stage.heading')}</h2>
        <StageList stage={stage} actions={(p) => p.role === 'host' ? null : (
          <>
            <button type="button" class="small" onClick={() => stageAction(p, p.muted ? 'unmute' : 'mute')} disabled={p.muted} aria-label={t('studio.muteWho', { name: p.displayName })}>{t('speaker.mute')}</button>
            {isHost && <button type="button" class="small" onClick={() => stageAction(p, p.role === 'speaker' ? 'promote' : 'demote')} aria-label={`${p.role === 'speaker' ? t('studio.promote') : t('studio.demote')}: ${p.displayName}`}>{p.role === 'speaker' ? t('studio.promote') : t('studio.demote')}</button>}
            <button type="button" class="small danger" onClick={() => stageAction(p, 'remove')} aria-label={t('studio.removeWho', { name: p.displayName })}>{t('studio.remove')}</button>
          </>
        )} />
        {(live || space.state === 'scheduled') && (
          <div class="invite">
            <div class="row">
              <button type="button" onClick={() => api.invite(spaceId, 'speaker').then(setInvite, fail)}>{t('studio.inviteSpeaker')}</button>
              <button type="button" onClick={() => api.invite(spaceId, 'cohost').then(setInvite, fail)}>{t('studio.inviteCohost')}</button>
            </div>
            {invite && <ShareLink id="invite-url" url={invite.inviteUrl} label={t('studio.inviteLink')} />}
          </div>
        )}
        <h3>{t('studio.requests')}</h3>
        {requests.length === 0 ? <p class="muted">{t('studio.noRequests')}</p> : (
          <ul class="requests">
            {requests.map((r) => (
              <li key={r.id}>
                <span>{r.user?.displayName ?? r.userId}</span>
                <button type="button" class="small primary" onClick={() => api.answerRequest(spaceId, r.userId, true).then(loadLists, fail)}>{t('studio.approve')}</button>
                <button type="button" class="small" onClick={() => api.answerRequest(spaceId, r.userId, false).then(loadLists, fail)}>{t('studio.deny')}</button>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section class="card" aria-labelledby="queue-h">
        <h2 id="queue-h">{t('questions.queue')}</h2>
        <QuestionQueue questions={questions} onAction={act} canHighlight />
      </section>

      <section class="card" aria-labelledby="audience-h">
        <h2 id="audience-h">{t('studio.audience')}</h2>
        <AudienceChart samples={samples} />
      </section>
    </div>
  );
}

mountPage(StudioPage);
