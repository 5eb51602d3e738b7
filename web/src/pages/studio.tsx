import { useEffect, useState } from 'preact/hooks';
import { AudienceChart } from '../components/audience-chart.js';
import { AuthForm } from '../components/auth-form.js';
import { RecordingNotice } from '../components/recording-notice.js';
import { DefenceBanner } from '../components/studio/defence-banner.js';
import { QuestionQueue, type QuestionAction } from '../components/question-queue.js';
import { mountPage } from '../components/shell.js';
import { EndedSummary } from '../components/studio/ended-summary.js';
import { HandAlert } from '../components/studio/hand-alert.js';
import { ManageSpace } from '../components/studio/manage-space.js';
import { InvitePanel } from '../components/studio/invite-panel.js';
import { MicPanel } from '../components/studio/mic-panel.js';
import { RequestsList } from '../components/studio/requests-list.js';
import { SpaceHeader } from '../components/studio/space-header.js';
import { StagePanel, type StageAction } from '../components/studio/stage-panel.js';
import { useAudience } from '../components/studio/use-audience.js';
import { useStudioData } from '../components/studio/use-studio-data.js';
import { t } from '../i18n/index.js';
import { api } from '../lib/api.js';
import { errorText } from '../lib/error-text.js';
import { spaceIdFromPath } from '../lib/hooks.js';
import { useLeaveGuard } from '../lib/leave-guard.js';
import type { Mic } from '../lib/mic.js';
import { useMicResume } from '../lib/mic-resume.js';
import { useOnAir, wasOnAir } from '../lib/on-air.js';
import { currentUser, knownUser } from '../lib/session.js';
import type { Question, StageEntry, User } from '../lib/types.js';

/**
 * The host's page. The session cookie is the credential for everything here, WHIP included, so any
 * tab of a logged-in host (or co-host) works. Each piece lives in its own hook or component:
 * the lists (useStudioData), the room state (useAudience), the microphone's path (useOnAir).
 */
function StudioPage() {
  const spaceId = spaceIdFromPath()!;
  const [user, setUser] = useState<User | null>(knownUser());
  const [message, setMessage] = useState('');
  const [mic, setMic] = useState<Mic | null>(null);
  // null: not chosen yet. The host goes on air by themselves; a co-host (often on stage from the
  // speaker view already) presses the button.
  const [chosenAir, setWantAir] = useState<boolean | null>(null);
  const fail = (err: unknown) => setMessage(errorText(err));

  useEffect(() => { void currentUser().then(setUser); }, []);
  // The stage plane says our seat's media is gone while we think we are on air: publish again.
  const onMedia = (participantId: string, media: string) => {
    const mine = data.participants.find((p) => p.userId === user?.id);
    if (media === 'disconnected' && mine?.id === participantId && air.status === 'on-air') air.republish();
  };
  // The stage channel closing may be our origin dying: the microphone's session is probed at once.
  const data = useStudioData(spaceId, !!user, fail, (id, media) => onMedia(id, media), () => air.check());
  const { state, samples } = useAudience(spaceId, !!user);
  const { space, participants } = data;
  // The room state is fresher than the Space (one second): whichever says "ended" first wins.
  const phase = state?.state === 'ended' || state?.state === 'cancelled' ? state.state : space?.state;
  const live = phase === 'live';
  const over = phase === 'ended' || phase === 'cancelled';

  const wantAir = chosenAir ?? (wasOnAir(spaceId) || (!!space && !!user && space.host.id === user.id));
  useMicResume(wasOnAir(spaceId), mic, setMic);
  const air = useOnAir({ spaceId, mic, wanted: wantAir && live, serverClosed: over });
  useLeaveGuard(air.status !== 'off');

  // After the end: off air without a DELETE (the server closed the session), the mic released.
  useEffect(() => {
    if (!over) return;
    air.drop();
    mic?.stop();
    setMic(null);
  }, [over]);
  useEffect(() => () => mic?.stop(), [mic]);

  async function transition(action: 'start' | 'end') {
    try {
      data.setSpace(await api.transition(spaceId, action));
    } catch (err) { fail(err); }
  }

  async function onQuestion(q: Question, a: QuestionAction) {
    try { await api.questionAction(spaceId, q.id, a); await data.reload(); } catch (err) { fail(err); }
  }

  async function onStage(p: Pick<StageEntry, 'participantId'>, action: StageAction) {
    try {
      if (action === 'mute' || action === 'unmute') await api.mute(spaceId, p.participantId, action === 'mute');
      else if (action === 'remove') await api.remove(spaceId, p.participantId);
      else await api.setRole(spaceId, p.participantId, action === 'promote' ? 'cohost' : 'speaker');
      await data.reload();
    } catch (err) { fail(err); }
  }

  if (!user) {
    return (
      <section class="card narrow">
        <h1>{t('studio.heading')}</h1>
        <p>{t('studio.loginFirst')}</p>
        <AuthForm onDone={setUser} />
      </section>
    );
  }
  if (!space) return <p role="status">{message || t('common.loading')}</p>;

  const mine = participants.find((p) => p.userId === user.id);
  const isHost = space.host.id === user.id;
  const base: StageEntry[] = state?.stage ?? participants.map((p) => ({ participantId: p.id, displayName: p.displayName, role: p.role, muted: p.muted, speaking: false, level: 0 }));
  // The channel's levels (4 Hz) drive the rings while live; the room state (1 s) fills the rest.
  const stage = live ? base.map((p) => {
    const l = data.levels[p.participantId];
    return l && !p.muted ? { ...p, level: l.level, speaking: l.speaking } : p;
  }) : base;
  const shown = { ...space, state: phase ?? space.state };

  return (
    <div class="studio">
      <SpaceHeader space={shown} state={state} message={message} onTransition={transition} />
      <RecordingNotice to="host" />
      <DefenceBanner state={state} />
      {phase === 'ended' && <EndedSummary space={space} state={state} />}
      {(phase === 'scheduled' || phase === 'cancelled') && <ManageSpace space={shown} onChange={data.setSpace} />}
      {!over && (
        <MicPanel live={live} mic={mic} onMic={setMic} air={air} wantAir={wantAir} setWantAir={setWantAir}
          muted={mine ? mine.muted : null} onMute={(m) => onStage({ participantId: mine!.id }, m ? 'mute' : 'unmute')} />
      )}
      {!over && <HandAlert requests={data.requests} />}
      <StagePanel stage={stage} live={!over} isHost={isHost} onAction={onStage} perSecond={live ? state?.reactions.perSecond : undefined}>
        {!over && <InvitePanel spaceId={spaceId} participants={participants} onError={fail} />}
        {!over && <RequestsList requests={data.requests} onAnswer={(r, approve) => api.answerRequest(spaceId, r.userId, approve).then(data.reload, fail)} />}
      </StagePanel>
      {!over && (
        <section class="card" aria-labelledby="queue-h">
          <h2 id="queue-h">{t('questions.queue')}</h2>
          <QuestionQueue questions={data.questions} onAction={onQuestion} canHighlight />
        </section>
      )}
      <section class="card" aria-labelledby="audience-h">
        <h2 id="audience-h">{t('studio.audience')}</h2>
        <AudienceChart samples={samples} />
      </section>
    </div>
  );
}

mountPage(StudioPage);
