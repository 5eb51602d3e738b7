import { t } from '../i18n/index.js';
import type { AirStatus } from '../lib/on-air.js';

const KEYS = { 'off': 'air.off', 'connecting': 'air.connecting', 'on-air': 'air.onAir', 'reconnecting': 'air.reconnecting' } as const;

/** "On air" / "Reconnecting…" as a live region, so a reconnect is heard as well as seen. */
export function AirStatusBadge({ status, testId }: { status: AirStatus; testId: string }) {
  return (
    <span class={`air ${status}`} role="status" data-testid={testId} data-air={status}>
      {status === 'off' ? '' : t(KEYS[status])}
    </span>
  );
}
