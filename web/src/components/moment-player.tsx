import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { playReplay } from '../lib/hls-player.js';
import { formatMoment } from '../lib/trust-safety.js';

/**
 * The reported moment, playable from the queue: the replay from `atMs` when the Space has one; while
 * it is live, the way to its page (the live window does not reach back to an arbitrary moment).
 */
export function MomentPlayer({ spaceId, atMs }: { spaceId: string; atMs: number }) {
  const [open, setOpen] = useState(false);
  const [replay, setReplay] = useState<boolean | null>(null);
  const audio = useRef<HTMLAudioElement>(null);
  const url = `/hls/${encodeURIComponent(spaceId)}/replay.m3u8`;

  useEffect(() => {
    if (!open) return;
    let dispose: (() => void) | undefined;
    let stopped = false;
    void fetch(url).then(async (res) => {
      if (stopped) return;
      setReplay(res.ok);
      if (!res.ok || !audio.current) return;
      const el = audio.current;
      el.addEventListener('loadedmetadata', () => { el.currentTime = atMs / 1000; void el.play().catch(() => {}); }, { once: true });
      dispose = await playReplay(el, url);
    }, () => setReplay(false));
    return () => { stopped = true; dispose?.(); };
  }, [open]);

  const at = formatMoment(atMs);
  return (
    <span class="moment-player">
      <button type="button" class="small" aria-expanded={open} onClick={() => setOpen(!open)}>{t('queue.play', { at })}</button>
      {open && replay === false && <span class="muted" role="status"> {t('queue.noReplay')} <a href={`/s/${spaceId}`}>{t('queue.openLive')}</a></span>}
      {open && <audio ref={audio} controls preload="none" hidden={replay !== true} aria-label={t('queue.play', { at })} />}
    </span>
  );
}
