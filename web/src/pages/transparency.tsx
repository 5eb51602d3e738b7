import { useEffect, useState } from 'preact/hooks';
import { mountPage } from '../components/shell.js';
import { t, type MessageKey } from '../i18n/index.js';
import { tsApi, type Report } from '../lib/trust-safety.js';
import '../trust-safety.css';

/** A bar chart as a list: the numbers are text (screen readers read them), the bars only draw them. */
function Bars({ title, counts, label }: { title: string; counts: Record<string, number>; label: (key: string) => string }) {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  const max = Math.max(1, ...entries.map(([, n]) => n));
  return (
    <>
      <h3>{title}</h3>
      {entries.length === 0 ? <p class="muted">{t('transparency.nothing')}</p> : (
        <ul class="bars">
          {entries.map(([key, n]) => (
            <li key={key}><span>{label(key)}</span><span class="bar" style={{ width: `${(n / max) * 100}%` }} aria-hidden="true" /><span class="n">{n}</span></li>
          ))}
        </ul>
      )}
    </>
  );
}

const day = (d: Date) => d.toISOString().slice(0, 10);
const known = (prefix: string) => (key: string) => { const k = `${prefix}.${key}` as MessageKey; const s = t(k); return s === k ? key : s; };

function TransparencyPage() {
  const now = new Date();
  const [from, setFrom] = useState(`${now.getUTCFullYear()}-01-01`);
  const [to, setTo] = useState(day(now));
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState(false);
  useEffect(() => { document.title = `${t('transparency.heading')} · Tribune`; }, []);
  useEffect(() => { tsApi.report(from, to).then((r) => { setReport(r); setError(false); }, () => setError(true)); }, [from, to]);
  const hours = (h: number | null) => (h === null ? '—' : t('transparency.hours', { h }));
  return (
    <div>
      <h1>{t('transparency.heading')}</h1>
      <p>{t('transparency.intro')}</p>
      <div class="row card">
        <label>{t('transparency.from')} <input type="date" value={from} onChange={(e) => setFrom((e.target as HTMLInputElement).value)} /></label>
        <label>{t('transparency.to')} <input type="date" value={to} onChange={(e) => setTo((e.target as HTMLInputElement).value)} /></label>
        <a href={`/api/v1/transparency/report?from=${from}&to=${to}`}>{t('transparency.json')}</a>
      </div>
      {error && <p class="error" role="alert">{t('error.generic')}</p>}
      {report && (
        <>
          <section class="card" aria-labelledby="fig-h">
            <h2 id="fig-h">{t('transparency.figures')}</h2>
            <div class="figures">
              <div>{t('transparency.notices')}<strong>{report.notices.total}</strong></div>
              <div>{t('transparency.decisions')}<strong>{report.decisions.total}</strong></div>
              <div>{t('transparency.median')}<strong>{hours(report.decisions.medianHoursNoticeToDecision)}</strong></div>
              <div>{t('transparency.appeals')}<strong>{report.appeals.total}</strong></div>
              <div>{t('transparency.automated')}<strong>{Math.round(report.decisions.automatedDecisionShare * 100)} %</strong></div>
              <div>{t('transparency.suspended')}<strong>{report.suspensions.accountsSuspended + report.suspensions.accountsTerminated}</strong></div>
            </div>
          </section>
          <section class="card" aria-labelledby="notices-h">
            <h2 id="notices-h">{t('transparency.notices')}</h2>
            <Bars title={t('transparency.byCategory')} counts={report.notices.byCategory} label={known('category')} />
            <Bars title={t('transparency.bySource')} counts={report.notices.bySource} label={known('notifier')} />
          </section>
          <section class="card" aria-labelledby="decisions-h">
            <h2 id="decisions-h">{t('transparency.decisions')}</h2>
            <Bars title={t('transparency.byAction')} counts={report.decisions.byAction} label={known('action')} />
            <Bars title={t('transparency.byGround')} counts={report.decisions.byGround} label={known('ground')} />
            <Bars title={t('transparency.appealOutcomes')} counts={report.appeals.byOutcome} label={known('appealState')} />
          </section>
        </>
      )}
    </div>
  );
}

mountPage(TransparencyPage);
