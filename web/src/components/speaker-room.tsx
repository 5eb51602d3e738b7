import { t, tn } from '../i18n/index.js';
import type { SpaceState } from '../lib/types.js';
import { FloatingReactions } from './floating-reactions.js';

/** What a speaker sees of the room: how many listen, how they react, and the questions on the table. */
export function SpeakerRoom({ state }: { state: SpaceState }) {
  const { highlighted, top } = state.questions;
  const others = top.filter((q) => q.id !== highlighted?.id).slice(0, 5);
  return (
    <section class="card stage-area" aria-labelledby="room-h">
      <h2 id="room-h">{t('speaker.room')}</h2>
      <p class="listeners" data-testid="speaker-listeners">{tn('listener.count', state.listeners.count)}</p>
      {highlighted && <p><strong>{t('questions.highlighted')}:</strong> {highlighted.text}</p>}
      {others.length > 0 && (
        <ol class="questions compact" aria-label={t('questions.top')}>
          {others.map((q) => <li key={q.id}>{q.text} <small>({tn('questions.votes', q.votes)})</small></li>)}
        </ol>
      )}
      <FloatingReactions perSecond={state.reactions.perSecond} />
    </section>
  );
}
