import type { ComponentChildren } from 'preact';
import { t } from '../i18n/index.js';
import type { StageEntry } from '../lib/types.js';

const ROLE_KEYS = { host: 'role.host', cohost: 'role.cohost', speaker: 'role.speaker' } as const;
const ROLE_ORDER: Record<string, number> = { host: 0, cohost: 1, speaker: 2 };

export function roleName(role: string): string {
  return t(ROLE_KEYS[role as keyof typeof ROLE_KEYS] ?? 'role.speaker');
}

function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  return ((words[0]?.[0] ?? '?') + (words.length > 1 ? words[words.length - 1]![0]! : '')).toUpperCase();
}

/** A stable colour per person, from their id: the grid reads at a glance, in light and dark alike. */
function hue(id: string): number {
  let h = 0;
  for (const c of id) h = (h * 31 + c.charCodeAt(0)) % 360;
  return h;
}

/**
 * The stage as a grid of avatars, host first: a ring that follows the speaker's level (the levels
 * the server already sends), a muted badge, name and role; `actions` adds per-person controls
 * (studio, console). The speaking state is also text for screen readers.
 */
export function StageList({ stage, actions }: { stage: StageEntry[]; actions?: (p: StageEntry) => ComponentChildren }) {
  if (stage.length === 0) return <p class="muted">{t('stage.empty')}</p>;
  const ordered = [...stage].sort((a, b) => (ROLE_ORDER[a.role] ?? 3) - (ROLE_ORDER[b.role] ?? 3));
  return (
    <ul class={`stage grid${actions ? ' with-actions' : ''}`}>
      {ordered.map((p) => (
        <li key={p.participantId} class={p.speaking ? 'speaking' : ''} data-participant={p.participantId} data-role={p.role}>
          <span class="avatar" aria-hidden="true" style={{ '--level': String(Math.min(1, p.level)), '--hue': String(hue(p.participantId)) }}>
            {initials(p.displayName)}
            {p.muted && (
              <span class="muted-badge" title={t('stage.muted')}>
                <svg viewBox="0 0 24 24" width="14" height="14" focusable="false"><path d="M9 5a3 3 0 0 1 6 0v5M15 13a3 3 0 0 1-5.2 2M5 11a7 7 0 0 0 11.5 5.3M19 11a7 7 0 0 1-.6 2.9M12 18v3M3 3l18 18" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" /></svg>
              </span>
            )}
          </span>
          <span class="who">
            <strong>{p.displayName}</strong>
            <small>{roleName(p.role)}{p.muted ? ` · ${t('stage.muted')}` : ''}</small>
          </span>
          <span class="sr-status" aria-live="off">{p.speaking ? t('stage.speaking') : ''}</span>
          {p.speaking && <span class="badge" aria-hidden="true">{t('stage.speaking')}</span>}
          {actions && <span class="actions">{actions(p)}</span>}
        </li>
      ))}
    </ul>
  );
}
