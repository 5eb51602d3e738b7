import { useEffect, useRef, useState } from 'preact/hooks';
import { AirStatusBadge } from '../components/air-status.js';
import { ErrorPage } from '../components/error-page.js';
import { MicCheck } from '../components/mic-check.js';
import { RecordingNotice } from '../components/recording-notice.js';
import { mountPage } from '../components/shell.js';
import { SpeakerRoom } from '../components/speaker-room.js';
import { StageList } from '../components/stage-list.js';
import { t } from '../i18n/index.js';
import { api, ApiError } from '../lib/api.js';
import { errorText } from '../lib/error-text.js';
import { spaceIdFromPath, useInterval } from '../lib/hooks.js';
import { openLiveChannel } from '../lib/live-channel.js';
import { useLeaveGuard } from '../lib/leave-guard.js';
import type { Mic } from '../lib/mic.js';
import { useMicResume } from '../lib/mic-resume.js';
import { useOnAir, wasOnAir } from '../lib/on-air.js';
import { knownUser } from '../lib/session.js';
import type { Participant, Space, SpaceState } from '../lib/types.js';
import type { MediaSession } from '../lib/webrtc.js';
import { listen } from '../lib/whep.js';

/** An approved listener's seat: created by the host's approval, found by account. */
async function mySeat(spaceId: string): Promise<Participant> {
  const me = knownUser();
  const seat = (await api.stage(spaceId)).participants.find((p) => p.userId === me?.id);
  if (!seat) throw new ApiError(404, 'STAGE_TOKEN_INVALID', 'no seat');
  return seat;
}

/**
 * The invite token arrives in the URL fragment (never sent to a server, never logged). It is kept in
 * this tab's sessionStorage so a reload keeps the seat, and removed from the address bar.
 */
function takeInvite(spaceId: string): string | null {
  const key = `tribune.stage.${spaceId}`;
  const fromHash = location.hash.slice(1);
  if (fromHash.startsWith('tkst_')) {
    sessionStorage.setItem(key, fromHash);
    history.replaceState(null, '', location.pathname + location.search);
    return fromHash;
  }
  return sessionStorage.getItem(key);
}

type Phase = 'checking' | 'ready' | 'joining' | 'on-stage' | 'left' | 'ended' | 'invalid' | 'error';

/**
 * How long the seat must be missing from the states the page polls (every second) before it counts as
 * removed: a state read while the join committed, or cached on an edge, may not list it yet.
 */
const REMOVED_AFTER_MS = 2_000;

function SpeakerPage() {
  const spaceId = spaceIdFromPath()!;
  // An invite link's stage token; without one, an approved listener's seat through their session cookie.
  const [fromLink] = useState(() => location.hash.startsWith('#tkst_'));
  const [invite] = useState(() => takeInvite(spaceId));
  const guest = invite !== null;
  const account = knownUser();
  const [space, setSpace] = useState<Space | null>(null);
  const [state, setState] = useState<SpaceState | null>(null);
  const [mic, setMic] = useState<Mic | null>(null);
  const [name, setName] = useState('');
  const [seat, setSeat] = useState<Participant | null>(null);
  const [phase, setPhase] = useState<Phase>(guest ? 'checking' : 'ready');
  const [message, setMessage] = useState('');
  const hearing = useRef<MediaSession | null>(null);
  const stageAudio = useRef<HTMLAudioElement>(null);
  const resuming = useRef(wasOnAir(spaceId));

  useEffect(() => { api.space(spaceId).then(setSpace, () => setMessage(t('listener.notFound'))); }, []);
  // The invite is checked on load, not after the mic check: a dead link says so at once.
  useEffect(() => {
    if (!invite) return;
    // A link whose seat is already taken is a used invite, unless this very tab took it (a reload
    // reads the token from this tab's storage, not from the link).
    api.checkInvite(spaceId, invite).then((check) => {
      if (check.seated && fromLink) { setPhase('invalid'); setMessage(t('speaker.badInvite')); }
      else setPhase('ready');
    }, (err) => {
      const code = (err as { code?: string }).code;
      if (code === 'SPACE_STATE_CONFLICT') { setPhase('ended'); setMessage(t('speaker.ended')); }
      else { setPhase('invalid'); setMessage(code?.startsWith('STAGE_TOKEN') ? t('speaker.badInvite') : errorText(err)); }
    });
  }, []);
  useInterval(async () => setState(await api.state(spaceId)), 1000, phase === 'on-stage' || phase === 'joining');

  // A seat an account redeemed is that account's: its session cookie speaks for it, and the link's
  // token no longer does (the server refuses it). A guest's seat keeps the token as its credential.
  const stageBearer = seat?.userId ? undefined : invite ?? undefined;
  const air = useOnAir({ spaceId, mic, wanted: phase === 'on-stage', bearer: stageBearer });
  useLeaveGuard(phase === 'on-stage');
  useMicResume(resuming.current, mic, setMic);
  // Back from a reload while on stage: rejoin by itself once the mic is open again.
  useEffect(() => {
    if (resuming.current && mic && phase === 'ready') { resuming.current = false; void join(); }
  }, [mic, phase]);
  useEffect(() => () => { void hearing.current?.close(); mic?.stop(); }, []);

  // The stage plane's word on this seat's media: gone while the page thinks it is on stage (the
  // origin dropped it, a restart) -> publish and listen again. The channel is open only while on stage.
  const onMedia = useRef<(participantId: string, media: string) => void>(() => {});
  onMedia.current = (participantId, media) => {
    if (media !== 'disconnected' || participantId !== seat?.id || phase !== 'on-stage' || air.status !== 'on-air') return;
    // Hearing follows once back on air (below).
    air.republish();
  };
  const onClose = useRef(() => {});
  onClose.current = () => air.check();
  useEffect(() => {
    if (phase !== 'on-stage') return;
    // The channel closing may be the origin dying: the microphone's session is probed at once. A
    // resync (events were missed) re-reads the room state.
    return openLiveChannel(spaceId, (e) => {
      if (e.type === 'stage.media') onMedia.current(e.participantId, e.state);
      else if (e.type === 'resync') void api.state(spaceId).then(setState, () => {});
    }, stageBearer, { onClose: () => onClose.current() });
  }, [phase]);
  // Back on air after a loss (a new session, maybe on another origin): the mix-minus went with the
  // old origin, so listen again too.
  const lastAir = useRef(air.status);
  useEffect(() => {
    if (air.status === 'on-air' && lastAir.current === 'reconnecting' && phase === 'on-stage') void rehear(false);
    lastAir.current = air.status;
  }, [air.status]);
  // Moved without going off air (the origin handed the Space over): the mix-minus moves too, the new
  // one heard before the old one is let go (its DELETE tells the old origin this seat moved).
  useEffect(() => {
    if (air.moves > 0 && phase === 'on-stage') void rehear(true);
  }, [air.moves]);

  async function rehear(oldStillHeld: boolean) {
    const old = hearing.current;
    try {
      // The Space ending drops every seat's media too: nothing to listen to again then.
      if (!oldStillHeld && (await api.space(spaceId)).state !== 'live') return;
      const stage = await listen(`/api/v1/spaces/${spaceId}/whep`, stageBearer, !stageBearer);
      hearing.current = stage;
      stageAudio.current!.srcObject = stage.stream;
      await stageAudio.current!.play().catch(() => {});
    } catch { /* the next disconnect, or the state poll, settles the page */ } finally {
      // A lost one goes whatever happened; a held one only once the next is heard.
      if (!oldStillHeld && hearing.current === old) hearing.current = null;
      if (hearing.current !== old) await old?.close(oldStillHeld);
    }
  }

  const me = state?.stage.find((p) => p.participantId === seat?.id);
  const muted = me?.muted ?? seat?.muted ?? false;
  // The Space ended, or the host removed this seat: the server already closed the media. A state made
  // before the seat was taken says nothing of it (a cached one, or one whose reads raced the join),
  // so the seat must be missing from those made after it, for REMOVED_AFTER_MS of polls.
  const missingSince = useRef<number | null>(null);
  useEffect(() => {
    if (phase !== 'on-stage' || !state) return;
    if (state.state !== 'live') { void settle('ended'); return; }
    if (me || !seat || Date.parse(state.generatedAt) < Date.parse(seat.joinedAt)) { missingSince.current = null; return; }
    missingSince.current ??= Date.now();
    if (Date.now() - missingSince.current >= REMOVED_AFTER_MS) void settle('removed');
  }, [state]);

  async function join() {
    if (!mic) return;
    setPhase('joining');
    setMessage('');
    try {
      const participant = invite ? await api.redeem(spaceId, invite, name.trim() || undefined, !!account) : await mySeat(spaceId);
      setSeat(participant);
      // The stage as this speaker hears it: everyone but themselves (mix-minus), by the same credential.
      const bearer = participant.userId ? undefined : invite ?? undefined;
      const stage = await listen(`/api/v1/spaces/${spaceId}/whep`, bearer, !bearer);
      hearing.current = stage;
      stageAudio.current!.srcObject = stage.stream;
      await stageAudio.current!.play().catch(() => {});
      setPhase('on-stage');
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'SPACE_STATE_CONFLICT') { setPhase('ended'); setMessage(t('speaker.ended')); return; }
      setPhase(code?.startsWith('STAGE_TOKEN') ? 'invalid' : 'error');
      setMessage(code === 'SPACE_NOT_LIVE' ? t('speaker.notLive') : code?.startsWith('STAGE_TOKEN') ? t('speaker.badInvite') : errorText(err));
    }
  }

  async function setMuted(next: boolean) {
    if (!seat) return;
    try { setSeat(await api.mute(spaceId, seat.id, next, stageBearer)); } catch (err) { setMessage(errorText(err)); }
  }

  async function leave() {
    // Hearing first: ending the WHIP session also ends the seat's mix-minus on the server.
    await hearing.current?.close();
    hearing.current = null;
    await air.stop();
    await api.leave(spaceId, stageBearer).catch(() => {});
    setPhase('left');
    setMessage(t('speaker.leftMessage'));
  }

  async function settle(why: 'ended' | 'removed') {
    air.drop();
    await hearing.current?.close(false);
    hearing.current = null;
    mic?.stop();
    setMic(null);
    setPhase(why === 'ended' ? 'ended' : 'left');
    setMessage(why === 'ended' ? t('speaker.ended') : t('speaker.removed'));
  }

  if (!invite && !account) return <ErrorPage message={t('speaker.noInvite')} />;
  const preparing = phase === 'ready' || phase === 'error';
  return (
    <div class="speaker">
      <section class="hero" aria-labelledby="title-h">
        {(phase === 'checking' || preparing || phase === 'joining' || phase === 'on-stage') && <p class="pill">{t('speaker.invited')}</p>}
        <h1 id="title-h">{space?.title ?? '…'}</h1>
        {space && <p class="host">{t('listener.hostedBy', { name: space.host.displayName })}</p>}
      </section>

      {phase === 'checking' && <p role="status">{t('speaker.checking')}</p>}
      {preparing && (
        <section class="card" aria-labelledby="prep-h">
          <h2 id="prep-h">{t('speaker.prepare')}</h2>
          <MicCheck mic={mic} onMic={setMic} />
          {guest && <div class="field">
            <label for="display-name">{t('speaker.name')}</label>
            <input id="display-name" maxLength={50} value={name} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} autoComplete="name" />
          </div>}
          <RecordingNotice to="speaker" />
          <button type="button" class="primary" disabled={!mic} onClick={join}>{t('speaker.join')}</button>
        </section>
      )}

      <section class="card" aria-labelledby="stage-h" hidden={phase !== 'on-stage' && phase !== 'joining'}>
        <h2 id="stage-h">{t('speaker.onStage')}</h2>
        <audio ref={stageAudio} data-testid="stage-audio" />
        {mic && phase === 'on-stage' && <MicCheck mic={mic} onMic={setMic} />}
        <div class="row">
          <button type="button" aria-pressed={muted} onClick={() => setMuted(!muted)} disabled={phase !== 'on-stage'}>{muted ? t('speaker.unmute') : t('speaker.mute')}</button>
          <button type="button" class="danger" onClick={() => leave()} disabled={phase !== 'on-stage'}>{t('speaker.leave')}</button>
          <AirStatusBadge status={air.status} testId="speaker-air" />
        </div>
        <p class="notice" data-testid="speaker-status">{phase === 'on-stage' && air.status === 'on-air' ? (muted ? t('speaker.youAreMuted') : t('speaker.youAreLive')) : t('player.loading')}</p>
        {state && <StageList stage={state.stage} />}
      </section>

      {state && phase === 'on-stage' && <SpeakerRoom state={state} />}
      {phase === 'on-stage' && seat?.role === 'cohost' && account && (
        <p><a class="button" href={`/s/${spaceId}/studio`} target="_blank" rel="noopener">{t('speaker.openStudio')}</a></p>
      )}
      {air.refusal && <p class="error" role="alert">{errorText({ code: air.refusal })}</p>}
      <p role={phase === 'invalid' ? 'alert' : 'status'} class={phase === 'invalid' ? 'error' : 'notice'} data-testid="speaker-message">{message}</p>
      {(phase === 'left' || phase === 'ended' || phase === 'invalid') && <p><a href={`/s/${spaceId}`}>{t('speaker.backToListen')}</a></p>}
    </div>
  );
}

mountPage(SpeakerPage);
