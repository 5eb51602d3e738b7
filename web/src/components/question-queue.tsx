import { t, tn, type MessageKey } from '../i18n/index.js';
import type { Question } from '../lib/types.js';

export type QuestionAction = 'approve' | 'dismiss' | 'highlight' | 'answer';

/** Which actions a question in a given state offers (src/domain/questions.ts decides; this only hides the impossible). */
function actionsFor(q: Question, canHighlight: boolean): QuestionAction[] {
  if (q.state === 'pending') return ['approve', 'dismiss'];
  if (q.state === 'approved') return [...(canHighlight && !q.highlighted ? ['highlight' as const] : []), ...(canHighlight ? ['answer' as const] : []), 'dismiss'];
  return [];
}

/** The moderation queue: pending first, then approved by votes; used by the studio and the console. */
export function QuestionQueue({ questions, onAction, canHighlight }: { questions: Question[]; onAction: (q: Question, a: QuestionAction) => void; canHighlight: boolean }) {
  const order = (q: Question) => (q.state === 'pending' ? 0 : 1);
  const sorted = [...questions].filter((q) => q.state === 'pending' || q.state === 'approved').sort((a, b) => order(a) - order(b) || b.votes - a.votes);
  if (sorted.length === 0) return <p class="muted">{t('questions.none')}</p>;
  return (
    <ul class="questions queue">
      {sorted.map((q) => (
        <li key={q.id} class={`question ${q.state}${q.highlighted ? ' highlighted' : ''}`} data-question={q.id}>
          <p class="text">{q.text}</p>
          <p class="meta">
            <span>{q.author ? q.author.displayName : t('questions.anonymous')}</span>
            <span>{t(`qstate.${q.state}` as MessageKey)}{q.highlighted ? ` · ${t('questions.highlightedShort')}` : ''}</span>
            <span class="votes">{tn('questions.votes', q.votes)}</span>
          </p>
          <p class="row">
            {actionsFor(q, canHighlight).map((a) => (
              <button type="button" key={a} class="small" onClick={() => onAction(q, a)} aria-label={`${t(`qaction.${a}` as MessageKey)}: ${q.text.slice(0, 60)}`}>
                {t(`qaction.${a}` as MessageKey)}
              </button>
            ))}
          </p>
        </li>
      ))}
    </ul>
  );
}
