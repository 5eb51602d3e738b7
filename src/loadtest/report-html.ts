import type { LoadtestReport, TimelinePoint } from './report.js';
import { escapeHtml, lineChart, type Series } from './svg-chart.js';

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd'];

function series(timeline: readonly TimelinePoint[], fields: ReadonlyArray<[keyof TimelinePoint, string]>): Series[] {
  return fields.map(([field, name], i) => ({
    name, color: COLORS[i % COLORS.length]!,
    points: timeline.map((p) => [p.t, p[field] as number | null] as const),
  }));
}

function row(name: string, value: unknown): string {
  return `<tr><th scope="row">${escapeHtml(name)}</th><td>${escapeHtml(typeof value === 'object' ? JSON.stringify(value) : String(value))}</td></tr>`;
}

/** One self-contained file: inline CSS and SVG, no script, no external resource. */
export function renderReportHtml(r: LoadtestReport): string {
  const s = r.summary;
  const t = r.timeline;
  const origin = r.originSamples;
  const charts = [
    lineChart(series(t, [['target', 'target'], ['playing', 'playing'], ['joining', 'joining'], ['stalledNow', 'stalled now']]), { title: 'LL-HLS listeners over time', yLabel: 'listeners' }),
    lineChart(series(t, [['joinP50', 'join p50'], ['joinP99', 'join p99']]), { title: 'Join latency (multivariant + media playlist), per second', yLabel: 'ms' }),
    lineChart(series(t, [['firstAudioP50', 'first audio p50'], ['firstAudioP99', 'first audio p99']]), { title: 'Time to first audio (first part received), per second', yLabel: 'ms' }),
    lineChart(series(t, [['stalledNow', 'stalled now'], ['stallsTotal', 'stalls so far']]), { title: 'Stalls (rebuffering)', yLabel: 'listeners / stalls' }),
    lineChart(series(t, [['requestsPerSecond', 'on the wire'], ['listenerRequestsPerSecond', 'by listeners'], ['errorsPerSecond', 'errors']]), { title: 'Requests per second', yLabel: 'req/s' }),
    lineChart([{ name: 'origin cpu', color: COLORS[0]!, points: origin.map((o) => [o.t, o.cpuCores] as const) }, { name: 'load generator cpu', color: COLORS[1]!, points: t.map((p) => [p.t, p.generatorCores] as const) }], { title: 'CPU (cores), origin from /metrics', yLabel: 'cores' }),
    lineChart([{ name: 'origin rss', color: COLORS[2]!, points: origin.map((o) => [o.t, o.rssMB] as const) }], { title: 'Origin resident memory', yLabel: 'MB' }),
  ];
  const rows = [
    row('listeners (peak playing / wanted / started)', `${s.peakPlaying} / ${s.peakTarget} / ${s.listenersStarted}`),
    row('join latency ms', s.joinMs), row('time to first audio ms', s.firstAudioMs),
    row('stalls', s.stalls), row('requests', s.requests), row('errors', s.errors),
    row('stage', s.stage), row('interactions', s.interactions), row('origin', s.origin), row('load generator', s.generator),
  ].join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tribune load test — ${escapeHtml(r.startedAt)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2rem;max-width:1400px;color:#111}
.charts{display:flex;flex-wrap:wrap;gap:1rem}figure{margin:0;border:1px solid #eee;padding:.5rem}
figcaption{font-weight:600;margin-top:.25rem}table{border-collapse:collapse;margin:1rem 0}
th,td{border:1px solid #ddd;padding:.3rem .6rem;text-align:left;vertical-align:top}td{font-family:ui-monospace,monospace;font-size:12px}
</style></head><body>
<h1>Tribune load test</h1>
<p>Target <code>${escapeHtml(r.target)}</code>, Space <code>${escapeHtml(r.spaceId)}</code>, ${escapeHtml(r.startedAt)} to ${escapeHtml(r.endedAt)} (${r.durationS} s profile).</p>
<h2>Summary</h2><table>${rows}</table>
<h2>Over time</h2><div class="charts">${charts.join('\n')}</div>
<h2>Notes</h2><ul>${r.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>
<h2>Options</h2><pre>${escapeHtml(JSON.stringify(r.options, null, 2))}</pre>
</body></html>
`;
}
