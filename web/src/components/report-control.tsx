import { useState } from 'preact/hooks';
import { t, type MessageKey } from '../i18n/index.js';
import { ApiError } from '../lib/api.js';
import { ANONYMOUS_CATEGORY, CATEGORIES, formatMoment, tsApi, type Category, type TargetType } from '../lib/trust-safety.js';
import type { SpaceState } from '../lib/types.js';
import '../trust-safety.css';

/** Where the listener is in the programme: the live position, or the replay's playhead. */
function currentMoment(state: SpaceState): number {
  if (state.state === 'live' && state.startedAt) return Math.max(0, Date.now() - Date.parse(state.startedAt));
  const replay = document.querySelector<HTMLAudioElement>('[data-testid="replay-audio"]');
  return replay ? Math.floor(replay.currentTime * 1000) : 0;
}

/**
 * "Report": a DSA Art. 16 notice about the Space at this moment or a speaker on stage now. The moment
 * is taken when the form opens (what the listener just heard), and the form asks for what the law asks.
 */
/** `fixed`: report one given thing (a note, a question) instead of offering the Space or a speaker; `label` names it for the button. */
export function ReportControl({ state, fixed }: { state: SpaceState; fixed?: { type: TargetType; id: string; label: string } }) {
  const [open, setOpen] = useState(false);
  const [atMs, setAtMs] = useState(0);
  const [target, setTarget] = useState('space');
  const [category, setCategory] = useState<Category>('STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH');
  const [explanation, setExplanation] = useState('');
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [goodFaith, setGoodFaith] = useState(false);
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const exempt = category === ANONYMOUS_CATEGORY;
  const whole: TargetType = state.state === 'live' ? 'space' : 'recording';
  const formId = `report-form${fixed ? `-${fixed.id}` : ''}`;

  function toggle() {
    if (!open) { setAtMs(currentMoment(state)); setMessage(''); }
    setOpen(!open);
  }

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    try {
      const receipt = await tsApi.notice({
        ...(fixed ? { targetType: fixed.type, targetId: fixed.id } : { targetType: target === 'space' ? whole : 'user' as TargetType, targetId: target === 'space' ? state.id : target, atMs }),
        category,
        explanation: explanation.trim(), goodFaith,
        ...(name.trim() ? { notifierName: name.trim() } : {}), ...(email.trim() ? { notifierEmail: email.trim() } : {}),
      });
      setMessage(`${t('report.received', { id: receipt.id, time: new Date(receipt.receivedAt).toLocaleTimeString() })}${receipt.warning ? ` ${t('report.warning')}` : ''}`);
      setOpen(false);
      setExplanation('');
      setGoodFaith(false);
    } catch (err) {
      const key: MessageKey = err instanceof ApiError && err.code === 'NOTICE_INCOMPLETE' ? 'report.incomplete'
        : err instanceof ApiError && err.code === 'RATE_LIMITED' ? 'report.tooMany' : 'error.generic';
      setMessage(t(key));
    } finally { setBusy(false); }
  }

  return (
    <div class="report">
      <button type="button" class="small" aria-expanded={open} aria-controls={formId} aria-label={fixed?.label} onClick={toggle}>{t('report.button')}</button>
      {open && (
        <form id={formId} onSubmit={submit} aria-labelledby={`${formId}-h`}>
          <h3 id={`${formId}-h`}>{fixed?.label ?? t('report.heading')}</h3>
          {!fixed && <fieldset>
            <legend>{t('report.what')}</legend>
            <label><input type="radio" name="report-target" value="space" checked={target === 'space'} onChange={() => setTarget('space')} />
              {t('report.theSpace', { at: formatMoment(atMs) })}</label>
            {state.state === 'live' && state.stage.map((p) => (
              <label key={p.participantId}><input type="radio" name="report-target" value={p.participantId} checked={target === p.participantId} onChange={() => setTarget(p.participantId)} />
                {t('report.speaker', { name: p.displayName })}</label>
            ))}
          </fieldset>}
          <label for={`${formId}-category`}>{t('report.category')}</label>
            <select id={`${formId}-category`} value={category} onChange={(e) => setCategory((e.target as HTMLSelectElement).value as Category)}>
              {CATEGORIES.map((c) => <option key={c} value={c}>{t(`category.${c}` as MessageKey)}</option>)}
            </select>
          <label>{t('report.explanation')}
            <textarea required minLength={20} maxLength={5000} value={explanation} aria-describedby={`${formId}-hint`} onInput={(e) => setExplanation((e.target as HTMLTextAreaElement).value)} />
            <small id={`${formId}-hint`}>{t('report.explanationHint')}</small>
          </label>
          <label>{t('report.name')}<input type="text" autocomplete="name" required={!exempt} value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} /></label>
          <label>{t('report.email')}<input type="email" autocomplete="email" required={!exempt} value={email} onInput={(e) => setEmail((e.target as HTMLInputElement).value)} /></label>
          {exempt && <p class="muted">{t('report.anonymousOk')}</p>}
          <label class="check"><input type="checkbox" required checked={goodFaith} onChange={(e) => setGoodFaith((e.target as HTMLInputElement).checked)} />{t('report.goodFaith')}</label>
          <div class="row">
            <button type="submit" class="primary" disabled={busy}>{t('report.send')}</button>
            <button type="button" onClick={() => setOpen(false)}>{t('common.cancel')}</button>
          </div>
        </form>
      )}
      <p role="status" class="notice" data-testid="report-status">{message}</p>
    </div>
  );
}
