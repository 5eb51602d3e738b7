import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { LivePlayer, preloadPlayer, type PlayerStatus, type Via } from '../lib/hls-player.js';
import type { SpaceState } from '../lib/types.js';

function preferredVia(): Via {
  return new URLSearchParams(location.search).get('via') === 'whep' ? 'whep' : 'hls';
}

/**
 * The one play button. Before the start, pressing it arms the player; when the Space goes live the
 * audio starts by itself (a waiting page tries even unarmed: the browser may allow it, else the
 * button asks for a press). LL-HLS by default, WHEP as the fallback or when chosen (?via=whep).
 */
export function LiveAudio({ state, onPlaying }: { state: SpaceState; onPlaying: (playing: boolean) => void }) {
  const audio = useRef<HTMLAudioElement>(null);
  const player = useRef<LivePlayer | null>(null);
  const [status, setStatus] = useState<PlayerStatus>('idle');
  const [via, setVia] = useState<Via | null>(null);
  const [armed, setArmed] = useState(false);
  const [prefer, setPrefer] = useState<Via>(preferredVia());
  const wasLive = useRef(state.state === 'live');
  const live = state.state === 'live';

  function start() {
    player.current?.stop();
    const p = new LivePlayer({
      audio: audio.current!, hlsUrl: state.media.hlsUrl, whepUrl: state.media.whepUrl, prefer,
      segmentStreams: state.media.hlsDelivery === 'segment-streams',
      onStatus: (s, v) => { setStatus(s); setVia(v); },
      // Revalidated, not from the browser's cache (the state may be cached a second).
      stillLive: async () => ((await (await fetch(`/api/v1/spaces/${state.id}/state`, { cache: 'no-cache' })).json()) as SpaceState).state === 'live',
    });
    player.current = p;
    void p.start();
  }

  function stop(ended = false) {
    player.current?.stop(ended);
    player.current = null;
  }

  useEffect(() => { onPlaying(status === 'playing'); }, [status]);

  // The host went live while this page waited: start without waiting for a press.
  useEffect(() => {
    if (live && !wasLive.current && state.media.hlsUrl) start();
    if (!live && player.current) stop(true);
    wasLive.current = live;
  }, [live, state.media.hlsUrl]);

  // Another stream chosen while playing: switch to it now, not at the next press.
  useEffect(() => { if (player.current) start(); }, [prefer]);

  useEffect(() => () => stop(), []);

  // Stays mounted after the end (renders nothing) so the live -> ended effect above closes the
  // player without a DELETE: the server closed every session when the Space ended.
  if (state.state === 'ended' || state.state === 'cancelled') return null;
  const playing = status === 'playing' || status === 'loading';
  const label = !live ? (armed ? t('player.armed') : t('player.arm'))
    : playing ? t('player.stop') : t('player.play');

  function press() {
    if (!live) {
      if (!armed) preloadPlayer();
      setArmed(!armed);
      return;
    }
    if (playing) stop();
    else start();
  }

  return (
    <section class="player" aria-labelledby="player-h">
      <h2 id="player-h" class="sr-only">{t('player.heading')}</h2>
      <audio ref={audio} data-testid="live-audio" />
      <button type="button" class={`play ${playing ? 'on' : ''}`} aria-pressed={!live ? armed : playing} onClick={press}>
        <span aria-hidden="true">{playing ? '■' : '▶'}</span> {label}
      </button>
      <p class="status" role="status" data-status={status} data-via={via ?? ''}>
        {status === 'loading' && t('player.loading')}
        {status === 'playing' && (via === 'whep' ? t('player.viaWhep') : t('player.viaHls'))}
        {status === 'blocked' && t('player.blocked')}
        {status === 'failed' && t('player.failed')}
      </p>
      <div class="field inline">
        <label for="via">{t('player.path')}</label>
        <select id="via" value={prefer} onChange={(e) => setPrefer((e.currentTarget as HTMLSelectElement).value as Via)}>
          <option value="hls">{t('player.pathHls')}</option>
          <option value="whep">{t('player.pathWhep')}</option>
        </select>
      </div>
    </section>
  );
}
