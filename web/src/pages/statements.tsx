import { useEffect, useState } from 'preact/hooks';
import { AuthForm } from '../components/auth-form.js';
import { mountPage } from '../components/shell.js';
import { t, type MessageKey } from '../i18n/index.js';
import { ApiError } from '../lib/api.js';
import { formatDateTime } from '../lib/format.js';
import { currentUser, knownUser } from '../lib/session.js';
import { formatMoment, tsApi, type Statement } from '../lib/trust-safety.js';
import type { User } from '../lib/types.js';
import '../trust-safety.css';

function AppealForm({ decisionId, onDone }: { decisionId: string; onDone: () => void }) {
  const [text, setText] = useState('');
  const [error, setError] = useState('');
  async function submit(e: Event) {
    e.preventDefault();
    try { await tsApi.appeal(decisionId, text.trim()); onDone(); } catch (err) { setError(err instanceof ApiError ? `${t('error.generic')} (${err.code})` : t('error.generic')); }
  }
  return (
    <form class="appeal-form" onSubmit={submit}>
      <label>{t('statements.appealWhy')}<textarea required maxLength={5000} value={text} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} /></label>
      <button type="submit" class="primary">{t('statements.appeal')}</button>
      {error && <p class="error" role="alert">{error}</p>}
    </form>
  );
}

/** One statement of reasons (Art. 17(3)): what, why, on what ground, and how to contest it. */
function StatementCard({ s, onChange }: { s: Statement; onChange: () => void }) {
  const open = s.state === 'in_force' && !s.appeal && Date.parse(s.appealUntil) > Date.now();
  return (
    <article class="statement" data-testid="statement" aria-labelledby={`st-${s.id}`}>
      <h2 id={`st-${s.id}`}>{t(`action.${s.action}` as MessageKey)}{s.state === 'reversed' && <span class="badge">{t('statements.reversedBadge')}</span>}</h2>
      <dl>
        <dt>{t('statements.when')}</dt><dd>{formatDateTime(s.decidedAt)}{s.endsAt && ` → ${formatDateTime(s.endsAt)}`}</dd>
        <dt>{t('statements.what')}</dt><dd>{t(`target.${s.target.type}` as MessageKey)}{s.target.atMs !== null && `, ${formatMoment(s.target.atMs)}`}{s.target.spaceId && <> · <a href={`/s/${s.target.spaceId}`}>{t('statements.space')}</a></>}</dd>
        <dt>{t('statements.ground')}</dt><dd>{t(`ground.${s.ground}` as MessageKey)}</dd>
        <dt>{t(s.legalGround ? 'queue.legalGround' : 'queue.termsClause')}</dt><dd>{s.legalGround ?? s.termsClause}</dd>
        <dt>{t('report.category')}</dt><dd>{t(`category.${s.category}` as MessageKey)}</dd>
        <dt>{t('queue.explanation')}</dt><dd>{s.explanation}</dd>
        <dt>{t('statements.facts')}</dt><dd>{s.facts}</dd>
        <dt>{t('statements.source')}</dt><dd>{t(`source.${s.source}` as MessageKey)}</dd>
        <dt>{t('statements.automated')}</dt><dd>{t(s.automated ? 'statements.yes' : 'statements.no')}</dd>
        <dt>{t('statements.appealState')}</dt>
        <dd data-testid="appeal-state">{s.appeal ? `${t(`appealState.${s.appeal.state}` as MessageKey)}${s.appeal.reasons ? ` — ${s.appeal.reasons}` : ''}` : t('statements.appealUntil', { date: formatDateTime(s.appealUntil) })}</dd>
      </dl>
      <p class="muted">{t('statements.redress')}</p>
      {open && <details><summary>{t('statements.appeal')}</summary><AppealForm decisionId={s.id} onDone={onChange} /></details>}
    </article>
  );
}

/** The notifier's side (Art. 16(5)): each report, and what was decided on it. */
function MyReports() {
  const [notices, setNotices] = useState<Awaited<ReturnType<typeof tsApi.myNotices>>['notices']>([]);
  const [appealed, setAppealed] = useState<Set<string>>(new Set());
  useEffect(() => { void tsApi.myNotices().then((r) => setNotices(r.notices)); }, []);
  if (notices.length === 0) return null;
  return (
    <section class="card" aria-labelledby="reports-h">
      <h2 id="reports-h">{t('statements.myReports')}</h2>
      <ul data-testid="my-reports">
        {notices.map((n) => (
          <li key={n.id}>{formatDateTime(n.receivedAt)} · {t(`target.${n.targetType}` as MessageKey)} · {t(`category.${n.category}` as MessageKey)} —{' '}
            {n.decision ? t('statements.reportDecided', { action: t(`action.${n.decision.action}` as MessageKey), date: formatDateTime(n.decision.decidedAt) }) : t('statements.reportOpen')}
            {n.decision?.action === 'no_action' && n.decision.state === 'in_force' && (appealed.has(n.decision.id) ? <p role="status">{t('statements.appealSent')}</p> : (
              <details><summary>{t('statements.appealNoAction')}</summary><AppealForm decisionId={n.decision.id} onDone={() => setAppealed(new Set(appealed).add(n.decision!.id))} /></details>
            ))}</li>
        ))}
      </ul>
    </section>
  );
}

function StatementsPage() {
  const [user, setUser] = useState<User | null>(knownUser());
  const [statements, setStatements] = useState<Statement[] | null>(null);
  const [warnings, setWarnings] = useState<Array<{ kind: string; at: string }>>([]);
  const load = async () => { const mine = await tsApi.statements(); setStatements(mine.statements); setWarnings(mine.warnings); };
  useEffect(() => { void currentUser().then(setUser); }, []);
  useEffect(() => { document.title = `${t('statements.heading')} · Tribune`; if (user) void load(); }, [user?.id]);
  if (!user) return <section class="card narrow"><h1>{t('statements.heading')}</h1><AuthForm onDone={setUser} /></section>;
  return (
    <div>
      <h1>{t('statements.heading')}</h1>
      <p>{t('statements.intro')}</p>
      {warnings.map((w) => <p class="card error" role="note" key={w.at}>{t(`warning.${w.kind}` as MessageKey, { date: formatDateTime(w.at) })}</p>)}
      <section class="card">
        {statements === null ? <p role="status">{t('common.loading')}</p>
          : statements.length === 0 ? <p>{t('statements.none')}</p>
            : statements.map((s) => <StatementCard key={s.id} s={s} onChange={() => void load()} />)}
      </section>
      <MyReports />
    </div>
  );
}

mountPage(StatementsPage);
