import { useEffect, useRef, useState } from 'preact/hooks';

/** Calls `fn` now and every `ms` while mounted (and while `enabled`); errors are the caller's to keep. */
export function useInterval(fn: () => void | Promise<void>, ms: number, enabled = true): void {
  const saved = useRef(fn);
  saved.current = fn;
  useEffect(() => {
    if (!enabled) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout>;
    // Sequential, not setInterval: a slow response never piles requests up behind it.
    const tick = async () => {
      try { await saved.current(); } catch { /* the next tick retries */ }
      if (!stopped) timer = setTimeout(tick, ms);
    };
    void tick();
    return () => { stopped = true; clearTimeout(timer); };
  }, [ms, enabled]);
}

/** Whether the page is visible (a background tab, a locked phone: not). */
export function useVisible(): boolean {
  const [visible, setVisible] = useState(document.visibilityState !== 'hidden');
  useEffect(() => {
    const update = () => setVisible(document.visibilityState !== 'hidden');
    document.addEventListener('visibilitychange', update);
    return () => document.removeEventListener('visibilitychange', update);
  }, []);
  return visible;
}

/** Re-renders every `ms` (clocks and countdowns). */
export function useNow(ms: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
}

/** The path's Space id: /s/<id>, /s/<id>/join, /s/<id>/studio, or ?space=<id> on the console. */
export function spaceIdFromPath(): string | null {
  return /^\/s\/([a-z]{1,3}_[A-Za-z0-9_-]{12})(?:\/|$)/.exec(location.pathname)?.[1] ?? new URLSearchParams(location.search).get('space');
}
