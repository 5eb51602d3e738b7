import type { ComponentChildren } from 'preact';
import { t } from '../i18n/index.js';
import type { StageEntry } from '../lib/types.js';

const ROLE_KEYS = { host: 'role.host', cohost: 'role.cohost', speaker: 'role.speaker' } as const;

export function roleName(role: string): string {
  return t(ROLE_KEYS[role as keyof typeof ROLE_KEYS] ?? 'role.speaker');
}

/** The people on the stage, each with a speaking indicator; `actions` adds per-person controls (studio, console). */
export function StageList({ stage, actions }: { stage: StageEntry[]; actions?: (p: StageEntry) => ComponentChildren }) {
  if (stage.length === 0) return <p class="muted">{t('stage.empty')}</p>;
  return (
    <ul class="stage">
      {stage.map((p) => (
        <li key={p.participantId} class={p.speaking ? 'speaking' : ''} data-participant={p.participantId}>
          <span class="avatar" aria-hidden="true" style={{ '--level': String(Math.min(1, p.level)) }}>{p.displayName.slice(0, 1).toUpperCase()}</span>
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
