import { useEffect, useState } from 'preact/hooks';
import { AuthForm } from '../components/auth-form.js';
import { QuestionQueue, type QuestionAction } from '../components/question-queue.js';
import { ErrorPage } from '../components/error-page.js';
import { mountPage } from '../components/shell.js';
import { StageList } from '../components/stage-list.js';
import { ModerationQueue } from '../components/moderation-queue.js';
import { AppealsQueue } from '../components/appeals-queue.js';
import { t, tn } from '../i18n/index.js';
import { api, ApiError } from '../lib/api.js';
import { formatDateTime } from '../lib/format.js';
import { useInterval } from '../lib/hooks.js';
import { currentUser, knownUser } from '../lib/session.js';
import type { Question, Space, SpaceState, StageEntry, User } from '../lib/types.js';

interface LiveRow { space: Space; listeners: number }

/** One live Space opened in the console: its stage and its questions, with the moderator's actions. */
function SpaceDesk({ spaceId, onClose }: { spaceId: string; onClose: () => void }) {
  const [state, setState] = useState<SpaceState | null>(null);
  const [questions, setQuestions] = useState<Question[]>([]);
  const [message, setMessage] = useState('');
  const [confirmEnd, setConfirmEnd] = useState(false);
  const fail = (err: unknown) => setMessage(err instanceof ApiError ? `${t('error.generic')} (${err.code})` : t('error.generic'));

  useInterval(async () => {
    const [s, q] = await Promise.all([api.state(spaceId), api.questions(spaceId, 'pending,approved')]);
    setState(s);
    setQuestions(q.questions);
  }, 2000);

  async function stageAction(p: StageEntry, action: 'mute' | 'remove') {
    try {
      if (action === 'mute') await api.mute(spaceId, p.participantId, true);
      else await api.remove(spaceId, p.participantId);
      setMessage(t(action === 'mute' ? 'moderation.muted' : 'moderation.removed', { name: p.displayName }));
    } catch (err) { fail(err); }
  }
  async function questionAction(q: Question, a: QuestionAction) {
    try { await api.questionAction(spaceId, q.id, a); setQuestions(questions.filter((x) => x.id !== q.id || a !== 'dismiss')); } catch (err) { fail(err); }
  }
  async function end() {
    try { await api.transition(spaceId, 'end'); onClose(); } catch (err) { fail(err); }
  }

  if (!state) return <p role="status">{t('common.loading')}</p>;
  return (
    <section class="card desk" aria-labelledby="desk-h">
      <div class="row spread">
        <h2 id="desk-h">{state.title}</h2>
        <button type="button" onClick={onClose}>{t('moderation.back')}</button>
      </div>
      <p class="listeners">{tn('listener.count', state.listeners.count)}</p>
      <h3>{t('stage.heading')}</h3>
      <StageList stage={state.stage} actions={(p) => (
        <>
          <button type="button" class="small" disabled={p.muted} onClick={() => stageAction(p, 'mute')} aria-label={t('studio.muteWho', { name: p.displayName })}>{t('speaker.mute')}</button>
          {p.role !== 'host' && <button type="button" class="small danger" onClick={() => stageAction(p, 'remove')} aria-label={t('studio.removeWho', { name: p.displayName })}>{t('studio.remove')}</button>}
        </>
      )} />
      <h3>{t('questions.queue')}</h3>
      <QuestionQueue questions={questions} onAction={questionAction} canHighlight={false} />
      <div class="row">
        {!confirmEnd ? <button type="button" class="danger" onClick={() => setConfirmEnd(true)}>{t('moderation.end')}</button> : (
          <>
            <button type="button" class="danger" onClick={end}>{t('studio.confirmEnd')}</button>
            <button type="button" onClick={() => setConfirmEnd(false)}>{t('common.cancel')}</button>
          </>
        )}
      </div>
      <p role="status" class="notice">{message}</p>
      {/* Reports, statements of reasons and appeals (DSA) will sit here: a later issue. */}
    </section>
  );
}

function ModerationPage() {
  const [user, setUser] = useState<User | null>(knownUser());
  const [rows, setRows] = useState<LiveRow[]>([]);
  const [open, setOpen] = useState<string | null>(new URLSearchParams(location.search).get('space'));
  useEffect(() => { void currentUser().then(setUser); }, []);
  const allowed = user && (user.platformRole === 'moderator' || user.platformRole === 'admin');

  useInterval(async () => {
    const { spaces } = await api.spaces('live');
    const states = await Promise.all(spaces.map((s) => api.state(s.id).catch(() => null)));
    setRows(spaces.map((space, i) => ({ space, listeners: states[i]?.listeners.count ?? 0 })));
  }, 5000, !!allowed && !open);

  function select(id: string | null) {
    setOpen(id);
    history.replaceState(null, '', id ? `/moderation?space=${id}` : '/moderation');
  }

  if (!user) return <section class="card narrow"><h1>{t('moderation.heading')}</h1><AuthForm onDone={setUser} /></section>;
  if (!allowed) return <ErrorPage message={t('moderation.forbidden')} />;
  return (
    <div class="moderation">
      <h1>{t('moderation.heading')}</h1>
      {open ? <SpaceDesk spaceId={open} onClose={() => select(null)} /> : (
        <section class="card" aria-labelledby="live-h">
          <h2 id="live-h">{t('moderation.live')}</h2>
          {rows.length === 0 ? <p class="muted">{t('home.noLive')}</p> : (
            <table>
              <thead><tr><th scope="col">{t('moderation.title')}</th><th scope="col">{t('moderation.host')}</th><th scope="col">{t('moderation.since')}</th><th scope="col">{t('moderation.listeners')}</th><th scope="col"><span class="sr-only">{t('moderation.open')}</span></th></tr></thead>
              <tbody>
                {rows.sort((a, b) => b.listeners - a.listeners).map(({ space, listeners }) => (
                  <tr key={space.id}>
                    <td>{space.title}</td>
                    <td>{space.host.displayName}</td>
                    <td>{space.startedAt ? formatDateTime(space.startedAt) : ''}</td>
                    <td class="num">{listeners}</td>
                    <td><button type="button" class="small" onClick={() => select(space.id)} aria-label={`${t('moderation.open')}: ${space.title}`}>{t('moderation.open')}</button></td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
      {!open && <ModerationQueue />}
      {!open && <AppealsQueue />}
    </div>
  );
}

mountPage(ModerationPage);
