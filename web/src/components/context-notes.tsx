import { useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { ApiError } from '../lib/api.js';
import { useInterval } from '../lib/hooks.js';
import { formatMoment, tsApi, type Note } from '../lib/trust-safety.js';
import type { SpaceState, User } from '../lib/types.js';
import { ReportControl } from './report-control.js';
import '../trust-safety.css';

/** On the replay, a note's moment is a place on the timeline: play from there. */
function playFrom(atMs: number): void {
  const replay = document.querySelector<HTMLAudioElement>('[data-testid="replay-audio"]');
  if (!replay) return;
  replay.currentTime = atMs / 1000;
  void replay.play().catch(() => {});
}

const LEVELS = [['HELPFUL', 'notes.helpful'], ['SOMEWHAT_HELPFUL', 'notes.somewhat'], ['NOT_HELPFUL', 'notes.notHelpful']] as const;

/**
 * Context notes on the Space: those that raters who usually disagree both found helpful are shown to
 * everyone; logged-in listeners also see the notes that need ratings, and can propose one.
 */
export function ContextNotes({ state, user }: { state: SpaceState; user: User | null }) {
  const [notes, setNotes] = useState<Note[]>([]);
  const [text, setText] = useState('');
  const [source, setSource] = useState('');
  const [message, setMessage] = useState('');
  const [rated, setRated] = useState<Set<string>>(new Set());
  useInterval(async () => { setNotes((await tsApi.notes(state.id)).notes); }, 15_000);

  const helpful = notes.filter((n) => n.status === 'CURRENTLY_RATED_HELPFUL');
  const pending = notes.filter((n) => n.status === 'NEEDS_MORE_RATINGS' && !rated.has(n.id));
  const fail = (err: unknown) => setMessage(err instanceof ApiError && err.code === 'OWN_NOTE_RATING' ? t('notes.own')
    : err instanceof ApiError && err.code === 'NOTE_INVALID' ? t('notes.invalid') : t('error.generic'));

  async function rate(n: Note, level: (typeof LEVELS)[number][0]) {
    try { await tsApi.rateNote(n.id, level); setRated(new Set(rated).add(n.id)); setMessage(t('notes.thanks')); } catch (err) { fail(err); }
  }
  async function add(e: Event) {
    e.preventDefault();
    const atMs = state.startedAt ? Math.max(0, Date.now() - Date.parse(state.startedAt)) : 0;
    try {
      const note = await tsApi.addNote(state.id, { text: text.trim(), sources: [source.trim()], atMs });
      setNotes([...notes, note]);
      setText(''); setSource('');
      setMessage(t('notes.added'));
    } catch (err) { fail(err); }
  }

  if (!helpful.length && !user) return null;
  return (
    <section class="card" aria-labelledby="notes-h">
      <h2 id="notes-h">{t('notes.heading')}</h2>
      {helpful.length === 0 ? <p class="muted">{t('notes.none')}</p> : helpful.map((n) => (
        <aside class="context-note" key={n.id} aria-label={t('notes.at', { at: formatMoment(n.atMs ?? 0) })} data-testid="helpful-note">
          <p><strong>{t('notes.at', { at: formatMoment(n.atMs ?? 0) })}</strong> {n.text}</p>
          {state.state === 'ended' && n.atMs !== null && <button type="button" class="small" onClick={() => playFrom(n.atMs!)}>{t('notes.play', { at: formatMoment(n.atMs) })}</button>}
          <ul>{n.sources.map((s) => <li key={s}><a href={s} rel="noopener noreferrer nofollow" target="_blank">{new URL(s).host}</a></li>)}</ul>
          <ReportControl state={state} fixed={{ type: 'note', id: n.id, label: t('report.this', { what: formatMoment(n.atMs ?? 0) }) }} />
        </aside>
      ))}
      {user && pending.length > 0 && (
        <details>
          <summary>{t('notes.toRate', { count: pending.length })}</summary>
          {pending.map((n) => (
            <div class="context-note" key={n.id}>
              <p>{n.atMs !== null && <strong>{formatMoment(n.atMs)} </strong>}{n.text}</p>
              <div class="row" role="group" aria-label={t('notes.rateLabel')}>
                {LEVELS.map(([level, key]) => <button type="button" class="small" key={level} onClick={() => rate(n, level)}>{t(key)}</button>)}
              </div>
            </div>
          ))}
        </details>
      )}
      {user && state.state === 'live' && (
        <details>
          <summary>{t('notes.propose')}</summary>
          <form class="notes-add" onSubmit={add}>
            <label>{t('notes.text')}<textarea required maxLength={280} value={text} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} /></label>
            <label>{t('notes.source')}<input type="url" required placeholder="https://" value={source} onInput={(e) => setSource((e.target as HTMLInputElement).value)} /></label>
            <button type="submit">{t('notes.add')}</button>
          </form>
        </details>
      )}
      <p role="status" class="notice">{message}</p>
    </section>
  );
}
