import { useEffect, useState } from 'preact/hooks';
import { t, type MessageKey } from '../i18n/index.js';
import { ApiError } from '../lib/api.js';
import { formatDateTime } from '../lib/format.js';
import { tsApi, type Appeal, type Statement } from '../lib/trust-safety.js';
import '../trust-safety.css';

/** Open appeals (Art. 20): another moderator than the one who decided upholds or reverses, with reasons. */
export function AppealsQueue() {
  const [appeals, setAppeals] = useState<Array<{ appeal: Appeal; statement: Statement }>>([]);
  const [reasons, setReasons] = useState<Record<string, string>>({});
  const [message, setMessage] = useState('');
  const load = async () => setAppeals((await tsApi.openAppeals()).appeals);
  useEffect(() => { void load(); }, []);

  async function decide(a: Appeal, outcome: 'upheld' | 'reversed') {
    try {
      await tsApi.decideAppeal(a.id, outcome, reasons[a.id]?.trim() || t(outcome === 'reversed' ? 'appeals.defaultReversed' : 'appeals.defaultUpheld'));
      setMessage(t(outcome === 'reversed' ? 'appeals.reversed' : 'appeals.upheld'));
      setAppeals(appeals.filter((x) => x.appeal.id !== a.id));
    } catch (err) {
      setMessage(err instanceof ApiError && err.code === 'APPEAL_SAME_DECIDER' ? t('appeals.sameDecider') : t('error.generic'));
    }
  }

  return (
    <section class="card" aria-labelledby="appeals-h">
      <div class="row spread"><h2 id="appeals-h">{t('appeals.heading')}</h2><button type="button" class="small" onClick={() => void load()}>{t('queue.refresh')}</button></div>
      {appeals.length === 0 && <p class="muted">{t('appeals.empty')}</p>}
      {appeals.map(({ appeal, statement }) => (
        <article class="appeal-item" key={appeal.id} data-testid="appeal-item">
          <h3>{t(`action.${statement.action}` as MessageKey)} · {formatDateTime(statement.decidedAt)}</h3>
          <p>{statement.explanation}</p>
          <p><strong>{t('appeals.says')}</strong> {appeal.explanation}</p>
          <div class="appeal-form">
            <label>{t('appeals.reasons')}<textarea value={reasons[appeal.id] ?? ''} onInput={(e) => setReasons({ ...reasons, [appeal.id]: (e.target as HTMLTextAreaElement).value })} /></label>
            <div class="row">
              <button type="button" onClick={() => decide(appeal, 'upheld')}>{t('appeals.uphold')}</button>
              <button type="button" class="danger" onClick={() => decide(appeal, 'reversed')}>{t('appeals.reverse')}</button>
            </div>
          </div>
        </article>
      ))}
      <p role="status" class="notice">{message}</p>
    </section>
  );
}
