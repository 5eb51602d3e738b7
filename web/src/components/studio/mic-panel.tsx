import { t } from '../../i18n/index.js';
import type { Mic } from '../../lib/mic.js';
import type { OnAir } from '../../lib/on-air.js';
import { errorText } from '../../lib/error-text.js';
import { AirStatusBadge } from '../air-status.js';
import { MicCheck } from '../mic-check.js';

/** The host's own microphone: check it, then on air over WHIP while the Space is live. */
export function MicPanel(props: {
  live: boolean; mic: Mic | null; onMic: (mic: Mic | null) => void; air: OnAir; wantAir: boolean; setWantAir: (on: boolean) => void;
  muted: boolean | null; onMute: (muted: boolean) => void;
}) {
  const { live, mic, air, wantAir } = props;
  return (
    <section class="card" aria-labelledby="mic-h">
      <h2 id="mic-h">{t('studio.mic')}</h2>
      <MicCheck mic={mic} onMic={props.onMic} />
      {live && mic && (
        <div class="row">
          {wantAir
            ? <button type="button" onClick={() => { props.setWantAir(false); void air.stop(); }}>{t('studio.offAir')}</button>
            : <button type="button" class="primary" onClick={() => props.setWantAir(true)}>{t('studio.onAir')}</button>}
          <AirStatusBadge status={air.status} testId="on-air" />
          {props.muted !== null && (
            <button type="button" aria-pressed={props.muted} onClick={() => props.onMute(!props.muted)}>
              {props.muted ? t('speaker.unmute') : t('speaker.mute')}
            </button>
          )}
        </div>
      )}
      {air.refusal && <p class="error" role="alert">{errorText({ code: air.refusal })}</p>}
    </section>
  );
}
