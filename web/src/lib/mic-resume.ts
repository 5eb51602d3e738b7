import { useEffect } from 'preact/hooks';
import { openMic, type Mic } from './mic.js';

/**
 * After a reload while on air, the microphone reopens without a press when the browser already
 * granted it (a granted permission opens without a prompt); otherwise the mic check asks as usual.
 */
export function useMicResume(resume: boolean, mic: Mic | null, onMic: (mic: Mic) => void): void {
  useEffect(() => {
    if (!resume || mic) return;
    let cancelled = false;
    void (async () => {
      try {
        const status = await navigator.permissions?.query({ name: 'microphone' as PermissionName });
        if (status?.state !== 'granted' || cancelled) return;
        const opened = await openMic();
        if (cancelled) opened.stop();
        else onMic(opened);
      } catch { /* no Permissions API for the mic (Firefox): the mic check asks */ }
    })();
    return () => { cancelled = true; };
  }, [resume]);
}
