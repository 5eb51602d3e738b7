import { useEffect, useState } from 'preact/hooks';
import { t, tn, type MessageKey } from '../i18n/index.js';
import { ApiError } from '../lib/api.js';
import { formatDateTime } from '../lib/format.js';
import { ACTIONS_FOR, CATEGORIES, formatMoment, tsApi, type Category, type DecisionAction, type Ground, type QueueItem } from '../lib/trust-safety.js';
import { MomentPlayer } from './moment-player.js';
import '../trust-safety.css';

/** The decision form on one queued target: the restriction and its statement of reasons (Art. 17). */
function DecideForm({ item, onDone }: { item: QueueItem; onDone: (message: string) => void }) {
  const actions = ACTIONS_FOR[item.targetType];
  const [action, setAction] = useState<DecisionAction>(actions[1] ?? actions[0]!);
  const [ground, setGround] = useState<Ground>('DECISION_GROUND_INCOMPATIBLE_CONTENT');
  const [reference, setReference] = useState('');
  const [explanation, setExplanation] = useState('');
  const [facts, setFacts] = useState('');
  const [category, setCategory] = useState<Category>((item.notices[0]?.category as Category) ?? 'STATEMENT_CATEGORY_OTHER_VIOLATION_TC');
  const [days, setDays] = useState('7');
  const [error, setError] = useState('');
  const id = `${item.targetType}-${item.targetId}`;

  async function submit(e: Event) {
    e.preventDefault();
    try {
      await tsApi.decide({
        targetType: item.targetType, targetId: item.targetId, action, ground, category, explanation: explanation.trim(), facts: facts.trim(),
        ...(ground === 'DECISION_GROUND_ILLEGAL_CONTENT' ? { legalGround: reference.trim() } : { termsClause: reference.trim() }),
        ...(action === 'suspend_account' ? { endsAt: new Date(Date.now() + Number(days) * 86_400_000).toISOString() } : {}),
      });
      onDone(t('queue.decided', { action: t(`action.${action}` as MessageKey) }));
    } catch (err) { setError(err instanceof ApiError ? `${t('error.generic')} (${err.code})` : t('error.generic')); }
  }
  return (
    <form onSubmit={submit} aria-label={t('queue.decideOn', { target: id })}>
      <label for={`action-${id}`}>{t('queue.action')}</label>
        <select id={`action-${id}`} value={action} onChange={(e) => setAction((e.target as HTMLSelectElement).value as DecisionAction)}>
          {actions.map((a) => <option key={a} value={a}>{t(`action.${a}` as MessageKey)}</option>)}
        </select>
      {action === 'suspend_account' && <label>{t('queue.days')}<input type="number" min={1} max={365} value={days} onInput={(e) => setDays((e.target as HTMLInputElement).value)} /></label>}
      <fieldset>
        <legend>{t('queue.ground')}</legend>
        <label><input type="radio" name={`ground-${id}`} checked={ground === 'DECISION_GROUND_INCOMPATIBLE_CONTENT'} onChange={() => setGround('DECISION_GROUND_INCOMPATIBLE_CONTENT')} />{t('ground.DECISION_GROUND_INCOMPATIBLE_CONTENT')}</label>
        <label><input type="radio" name={`ground-${id}`} checked={ground === 'DECISION_GROUND_ILLEGAL_CONTENT'} onChange={() => setGround('DECISION_GROUND_ILLEGAL_CONTENT')} />{t('ground.DECISION_GROUND_ILLEGAL_CONTENT')}</label>
      </fieldset>
      <label>{t(ground === 'DECISION_GROUND_ILLEGAL_CONTENT' ? 'queue.legalGround' : 'queue.termsClause')}
        <input type="text" required maxLength={500} value={reference} onInput={(e) => setReference((e.target as HTMLInputElement).value)} /></label>
      <label for={`category-${id}`}>{t('report.category')}</label>
        <select id={`category-${id}`} value={category} onChange={(e) => setCategory((e.target as HTMLSelectElement).value as Category)}>
          {CATEGORIES.map((c) => <option key={c} value={c}>{t(`category.${c}` as MessageKey)}</option>)}
        </select>
      <label>{t('queue.explanation')}<textarea required maxLength={2000} value={explanation} onInput={(e) => setExplanation((e.target as HTMLTextAreaElement).value)} /></label>
      <label>{t('queue.facts')}<textarea required maxLength={5000} value={facts} aria-describedby={`facts-hint-${id}`} onInput={(e) => setFacts((e.target as HTMLTextAreaElement).value)} />
        <small id={`facts-hint-${id}`}>{t('queue.factsHint')}</small></label>
      <button type="submit" class="primary">{t('queue.decide')}</button>
      {error && <p class="error" role="alert">{error}</p>}
    </form>
  );
}

/** Reported targets, trusted flaggers' first then the oldest, with the moment to listen to. */
export function ModerationQueue() {
  const [items, setItems] = useState<QueueItem[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [message, setMessage] = useState('');
  const load = async (cursor?: string) => {
    const page = await tsApi.queue(cursor);
    setItems(cursor ? [...items, ...page.items] : page.items);
    setNext(page.next);
  };
  useEffect(() => { void load(); }, []);

  return (
    <section class="card decide" aria-labelledby="queue-h">
      <div class="row spread"><h2 id="queue-h">{t('queue.heading')}</h2><button type="button" class="small" onClick={() => void load()}>{t('queue.refresh')}</button></div>
      {items.length === 0 && <p class="muted">{t('queue.empty')}</p>}
      {items.map((item) => (
        <article class="queue-item" key={`${item.targetType}:${item.targetId}`} data-testid="queue-item">
          <h3>{t(`target.${item.targetType}` as MessageKey)} <code>{item.targetId}</code>
            {item.trustedNotices > 0 && <span class="badge">{t('queue.trusted')}</span>}</h3>
          <p class="meta">{tn('queue.counts', item.openNotices, { since: formatDateTime(item.firstAt) })}
            {item.listenUrl && <> · <a href={item.listenUrl}>{t('queue.listen')}</a></>}</p>
          <ul>
            {item.notices.map((n) => (
              <li key={n.id}>{n.atMs !== null && <strong>{formatMoment(n.atMs)} </strong>}{t(`category.${n.category}` as MessageKey)}: {n.explanation}{n.trusted && <span class="badge">{t('queue.trusted')}</span>}
                {n.atMs !== null && item.spaceId && <> <MomentPlayer spaceId={item.spaceId} atMs={n.atMs} /></>}</li>
            ))}
          </ul>
          <details>
            <summary>{t('queue.decide')}</summary>
            <DecideForm item={item} onDone={(m) => { setMessage(m); setItems(items.filter((x) => x !== item)); }} />
          </details>
        </article>
      ))}
      {next && <button type="button" onClick={() => void load(next)}>{t('queue.more')}</button>}
      <p role="status" class="notice">{message}</p>
    </section>
  );
}
