import { useEffect, useRef, useState } from 'preact/hooks';
import { MicCheck } from '../components/mic-check.js';
import { RecordingNotice } from '../components/recording-notice.js';
import { mountPage } from '../components/shell.js';
import { StageList } from '../components/stage-list.js';
import { t } from '../i18n/index.js';
import { api, ApiError } from '../lib/api.js';
import { spaceIdFromPath, useInterval } from '../lib/hooks.js';
import type { Mic } from '../lib/mic.js';
import type { Participant, Space, SpaceState } from '../lib/types.js';
import type { MediaSession } from '../lib/webrtc.js';
import { listen } from '../lib/whep.js';
import { publish } from '../lib/whip.js';
import { knownUser, sessionToken } from '../lib/session.js';

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

type Phase = 'ready' | 'joining' | 'on-stage' | 'left' | 'error';

function SpeakerPage() {
  const spaceId = spaceIdFromPath()!;
  // An invite link's stage token, else (a listener whose request to speak was approved) this tab's session token.
  const [token] = useState(() => takeInvite(spaceId) ?? sessionToken());
  const guest = token?.startsWith('tkst_') ?? false;
  const [space, setSpace] = useState<Space | null>(null);
  const [state, setState] = useState<SpaceState | null>(null);
  const [mic, setMic] = useState<Mic | null>(null);
  const [name, setName] = useState('');
  const [seat, setSeat] = useState<Participant | null>(null);
  const [phase, setPhase] = useState<Phase>('ready');
  const [message, setMessage] = useState('');
  const sessions = useRef<MediaSession[]>([]);
  const stageAudio = useRef<HTMLAudioElement>(null);

  useEffect(() => { api.space(spaceId).then(setSpace, () => setMessage(t('listener.notFound'))); }, []);
  useInterval(async () => setState(await api.state(spaceId)), 1000, phase === 'on-stage' || phase === 'joining');
  useEffect(() => () => { for (const s of sessions.current) void s.close(); mic?.stop(); }, []);

  const me = state?.stage.find((p) => p.participantId === seat?.id);
  const muted = me?.muted ?? seat?.muted ?? false;
  // Removed by the host (or the Space ended): the seat is gone from the stage.
  useEffect(() => {
    if (phase === 'on-stage' && state && (state.state !== 'live' || !me)) void leave(false);
  }, [state]);

  async function join() {
    if (!token || !mic) return;
    setPhase('joining');
    setMessage('');
    try {
      const participant = guest ? await api.redeem(spaceId, token, name.trim() || undefined) : await mySeat(spaceId);
      setSeat(participant);
      const whipUrl = `/api/v1/spaces/${spaceId}/whip`;
      sessions.current.push(await publish(whipUrl, mic.track, token));
      // The stage as this speaker hears it: everyone but themselves (mix-minus), with the same bearer.
      const hearing = await listen(`/api/v1/spaces/${spaceId}/whep`, token);
      sessions.current.push(hearing);
      stageAudio.current!.srcObject = hearing.stream;
      await stageAudio.current!.play().catch(() => {});
      setPhase('on-stage');
    } catch (err) {
      setPhase('error');
      setMessage(err instanceof ApiError && err.code === 'SPACE_STATE_CONFLICT' ? t('speaker.notOpen')
        : (err as { code?: string }).code === 'SPACE_NOT_LIVE' ? t('speaker.notLive')
        : (err as { code?: string }).code?.startsWith('STAGE_TOKEN') ? t('speaker.badInvite') : t('error.generic'));
    }
  }

  async function setMuted(next: boolean) {
    if (!seat) return;
    try { setSeat(await api.mute(spaceId, seat.id, next, token ?? undefined)); } catch { setMessage(t('error.generic')); }
  }

  async function leave(explicit = true) {
    const open = sessions.current;
    sessions.current = [];
    for (const s of open) await s.close(explicit);
    if (explicit && token) await api.leave(spaceId, token).catch(() => {});
    setPhase('left');
    setMessage(explicit ? t('speaker.leftMessage') : t('speaker.removed'));
  }

  if (!token) return <p class="error" role="alert">{t('speaker.noInvite')}</p>;
  return (
    <div class="speaker">
      <section class="hero" aria-labelledby="title-h">
        <p class="pill">{t('speaker.invited')}</p>
        <h1 id="title-h">{space?.title ?? '…'}</h1>
        {space && <p class="host">{t('listener.hostedBy', { name: space.host.displayName })}</p>}
      </section>

      {(phase === 'ready' || phase === 'error') && (
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
        </div>
        <p class="notice" data-testid="speaker-status">{phase === 'on-stage' ? (muted ? t('speaker.youAreMuted') : t('speaker.youAreLive')) : t('player.loading')}</p>
        {state && <StageList stage={state.stage} />}
      </section>

      <p role="status" class="notice">{message}</p>
      {phase === 'left' && <p><a href={`/s/${spaceId}`}>{t('speaker.backToListen')}</a></p>}
    </div>
  );
}

mountPage(SpeakerPage);
