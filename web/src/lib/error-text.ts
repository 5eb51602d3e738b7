import { t, type MessageKey } from '../i18n/index.js';

/** Catalogue codes (docs/errors.md) as sentences a person can act on; never the raw code. */
const BY_CODE: Readonly<Record<string, MessageKey>> = {
  RATE_LIMITED: 'error.rateLimited',
  AUTH_REQUIRED: 'error.authRequired',
  FORBIDDEN: 'error.forbidden',
  SPACE_STATE_CONFLICT: 'error.stateConflict',
  SPACE_NOT_LIVE: 'speaker.notLive',
  STAGE_FULL: 'error.stageFull',
  COHOSTS_FULL: 'error.stageFull',
  MEDIA_SESSION_ACTIVE: 'error.onAirElsewhere',
  STAGE_TOKEN_INVALID: 'speaker.badInvite',
  STAGE_TOKEN_USED: 'speaker.badInvite',
  VALIDATION_FAILED: 'error.invalid',
  NETWORK: 'error.network',
  CLIP_OUT_OF_RANGE: 'clip.outOfRange',
};

/** `invalid` names what was wrong with the form when the server refused its input. */
export function errorText(err: unknown, invalid?: MessageKey): string {
  const code = (err as { code?: string } | null)?.code ?? (err instanceof TypeError ? 'NETWORK' : '');
  if (code === 'VALIDATION_FAILED' && invalid) return t(invalid);
  const key = BY_CODE[code];
  return key ? t(key) : t('error.generic');
}
