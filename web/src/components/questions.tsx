import { CharCount } from './char-count.js';
import { useState } from 'preact/hooks';
import { t, tn, type MessageKey } from '../i18n/index.js';
import { api, ApiError } from '../lib/api.js';
import type { Question, SpaceState, User } from '../lib/types.js';
import { ReportControl } from './report-control.js';

const VOTED_KEY = 'tribune.voted';

function votedSet(): Set<string> {
  try { return new Set(JSON.parse(sessionStorage.getItem(VOTED_KEY) ?? '[]') as string[]); } catch { return new Set(); }
}

function QuestionCard({ q, canVote, onVote, voted, state }: { q: Question; canVote: boolean; voted: boolean; onVote: (q: Question) => void; state?: SpaceState }) {
  return (
    <li class={`question${q.highlighted ? ' highlighted' : ''}`} data-question={q.id}>
      <p class="text">{q.text}</p>
      <p class="meta">
        <span>{q.author ? q.author.displayName : t('questions.anonymous')}</span>
        <span class="votes">{tn('questions.votes', q.votes)}</span>
        {canVote && (
          <button type="button" class="small" disabled={voted} aria-label={t('questions.upvoteLabel', { text: q.text.slice(0, 60) })} onClick={() => onVote(q)}>
            <span aria-hidden="true">▲</span> {voted ? t('questions.upvoted') : t('questions.upvote')}
          </button>
        )}
      </p>
      {state && <ReportControl state={state} fixed={{ type: 'question', id: q.id, label: t('report.thisQuestion', { what: q.text.slice(0, 60) }) }} />}
    </li>
  );
}

/** The listener's side of Q&A: the highlighted question, the top ones, upvotes, and asking. */
export function ListenerQuestions({ spaceId, state, user, onChange }: { spaceId: string; state: SpaceState; user: User | null; onChange: () => void }) {
  const [text, setText] = useState('');
  const [message, setMessage] = useState<MessageKey | ''>('');
  const [voted, setVoted] = useState(votedSet);
  // A question held in the waiting room is still being sent: a second press would send it twice.
  const [sending, setSending] = useState(false);
  const { highlighted, top } = state.questions;
  const open = state.state === 'live' || state.state === 'scheduled';

  async function ask(e: Event) {
    e.preventDefault();
    if (!text.trim()) { setMessage('questions.empty'); return; }
    setSending(true);
    try {
      await api.ask(spaceId, text.trim());
      setText('');
      setMessage('questions.sent');
    } catch (err) {
      setMessage(err instanceof ApiError && err.code === 'RATE_LIMITED' ? 'questions.tooSoon'
        : err instanceof ApiError && err.code === 'VALIDATION_FAILED' ? 'questions.empty' : 'error.generic');
    } finally {
      setSending(false);
    }
  }

  async function vote(q: Question) {
    try {
      await api.vote(spaceId, q.id);
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 'ALREADY_VOTED')) { setMessage('error.generic'); return; }
    }
    const next = new Set(voted).add(q.id);
    sessionStorage.setItem(VOTED_KEY, JSON.stringify([...next]));
    setVoted(next);
    onChange();
  }

  const others = top.filter((q) => q.id !== highlighted?.id);
  return (
    <section class="card" aria-labelledby="questions-h">
      <h2 id="questions-h">{t('questions.heading')}</h2>
      {highlighted && (
        <div class="now-answering" data-testid="highlighted">
          <h3>{t('questions.highlighted')}</h3>
          <ul class="questions"><QuestionCard q={highlighted} canVote={false} voted onVote={vote} /></ul>
        </div>
      )}
      {others.length > 0 ? (
        <ol class="questions" data-testid="top-questions" aria-label={t('questions.top')}>
          {others.map((q) => <QuestionCard key={q.id} q={q} canVote={!!user && open} voted={voted.has(q.id)} onVote={vote} state={state} />)}
        </ol>
      ) : !highlighted && <p class="muted">{t('questions.none')}</p>}
      {open && user && (
        <form class="ask" onSubmit={ask}>
          <label for="ask-text">{t('questions.ask')}</label>
          <textarea id="ask-text" rows={2} maxLength={280} required aria-describedby="ask-count" value={text} onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)} />
          <CharCount id="ask-count" length={text.length} max={280} />
          <div class="row">
            <button type="submit" class="primary" disabled={sending}>{t('questions.send')}</button>
            <span class="muted">{t('questions.moderated')}</span>
          </div>
        </form>
      )}
      <p role="status" class="notice">{message && t(message)}</p>
    </section>
  );
}
