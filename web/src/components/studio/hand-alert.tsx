import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../../i18n/index.js';
import type { SpeakRequest } from '../../lib/types.js';

/** Two short rising tones: heard over the host's headphones without covering the conversation. */
function chime(): void {
  try {
    const ctx = new AudioContext();
    const gain = ctx.createGain();
    gain.connect(ctx.destination);
    gain.gain.value = 0.08;
    [660, 880].forEach((hz, i) => {
      const osc = ctx.createOscillator();
      osc.frequency.value = hz;
      osc.connect(gain);
      osc.start(ctx.currentTime + i * 0.15);
      osc.stop(ctx.currentTime + i * 0.15 + 0.12);
    });
    setTimeout(() => void ctx.close(), 600);
  } catch { /* no audio output: the visible alert remains */ }
}

/**
 * A raised hand, for the host and co-hosts: an alert when a request to speak arrives (announced to
 * screen readers, and a chime), until it is answered.
 */
export function HandAlert({ requests }: { requests: SpeakRequest[] }) {
  const seen = useRef<Set<string> | null>(null);
  const [latest, setLatest] = useState<SpeakRequest | null>(null);
  useEffect(() => {
    // The requests already there when the studio opened are listed, not announced.
    if (seen.current === null) { seen.current = new Set(requests.map((r) => r.id)); return; }
    const fresh = requests.filter((r) => !seen.current!.has(r.id));
    for (const r of fresh) seen.current.add(r.id);
    if (fresh.length) { setLatest(fresh[fresh.length - 1]!); chime(); }
    else if (latest && !requests.some((r) => r.id === latest.id)) setLatest(null);
  }, [requests]);
  return (
    <div role="alert" data-testid="hand-alert">
      {latest && <p class="hand-alert">{t('studio.handRaised', { name: latest.user?.displayName ?? latest.userId })}</p>}
    </div>
  );
}
