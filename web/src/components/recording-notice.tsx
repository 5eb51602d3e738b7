import { t, type MessageKey } from '../i18n/index.js';

/**
 * Every Space is recorded and its replay is public: people are told before it matters to them — the
 * listener on the page, a speaker before joining the stage, the host before going live.
 */
export function RecordingNotice({ to }: { to: 'listener' | 'speaker' | 'host' }) {
  return <p class="muted recording-notice" role="note" data-testid="recording-notice"><span aria-hidden="true">● </span>{t(`recording.${to}` as MessageKey)}</p>;
}
