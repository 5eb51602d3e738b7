import { t } from '../i18n/index.js';

/** "12 / 120" under a field, announced politely near the limit only (not on every keystroke). */
export function CharCount({ id, length, max }: { id: string; length: number; max: number }) {
  const near = length > max * 0.9;
  return (
    <span id={id} class={`count${near ? ' near' : ''}`} aria-live={near ? 'polite' : 'off'}>
      {t('form.count', { n: length, max })}
    </span>
  );
}
