import { attackCharts, attackSections } from './attack/report-html.js';
import { count, decimal, latency, reasons } from './format.js';
import type { LoadtestReport, TimelinePoint } from './report.js';
import { escapeHtml, lineChart, type Series } from './svg-chart.js';

export const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd'];

export function series(timeline: readonly TimelinePoint[], fields: ReadonlyArray<[keyof TimelinePoint, string]>): Series[] {
  return fields.map(([field, name], i) => ({
    name, color: COLORS[i % COLORS.length]!,
    points: timeline.map((p) => [p.t, (p[field] ?? null) as number | null] as const),
  }));
}

/** A table row of words and figures with units: never a raw JSON object. */
export function row(name: string, value: string): string {
  return `<tr><th scope="row">${escapeHtml(name)}</th><td>${escapeHtml(value)}</td></tr>`;
}

/** The summary of every run, as an operator reads it. */
export function summaryRows(r: LoadtestReport): string[] {
  const s = r.summary;
  const st = s.stage;
  const i = s.interactions;
  return [
    row('Listeners', `${count(s.peakPlaying)} playing at the peak, of ${count(s.peakTarget)} wanted; ${count(s.listenersStarted)} started`
      + (s.delivery === 'segment-streams' ? '; each fetching whole segments as they are made (segment streams)' : '')),
    row('Join latency (multivariant + media playlist)', latency(s.joinMs)),
    row('Time to first audio', latency(s.firstAudioMs)),
    row('Stalls', `${count(s.stalls.count)} stalls in ${count(s.stalls.listenersWithStalls)} listeners; length ${latency(s.stalls.stallMs)}`),
    row('Requests', `${count(s.requests.sent)} on the wire, ${count(s.requests.simulated)} made by listeners; peak ${count(s.requests.peakPerSecond, 'req/s')}`),
    ...(s.requests.proofsOfWork.solved + s.requests.proofsOfWork.givenUp > 0
      ? [row('Proofs of work', `${count(s.requests.proofsOfWork.solved)} solved (${count(s.requests.proofsOfWork.meanMs, 'ms')} each on average), ${count(s.requests.proofsOfWork.givenUp)} given up`)]
      : []),
    row('Errors seen by the audience', reasons(s.errors)),
    row('Stage', `speakers ${st.speakersConnected} of ${st.speakersRequested} on air, WHIP connect ${latency(st.whipConnectMs)}; WHEP listeners ${st.whepConnected} of ${st.whepRequested}, first packet ${latency(st.whepFirstPacketMs)}; packets sent ${count(st.packetsSent)}, received ${count(st.packetsReceived)}, lost ${count(st.packetsLost)}`),
    row('Interactions', `${count(i.questions)} questions, ${count(i.approved)} approved, ${count(i.votes)} votes, ${count(i.reactions)} reactions; honest writes accepted ${count(i.writesAccepted)} of ${count(i.writesAttempted)}; refused: ${reasons(i.writeRefusals)}; accounts that could not be made: ${count(i.accountsFailed)}`),
    row('Origin (from /metrics)', `CPU mean ${decimal(s.origin.cpuCoresMean, 'cores', 2)}, peak ${decimal(s.origin.cpuCoresPeak, 'cores', 2)}; RSS peak ${decimal(s.origin.rssMBPeak, 'MB', 0)}; failed scrapes ${count(s.origin.scrapeFailures)}`),
    row('Load generator', `${decimal(s.generator.cpuSeconds, 'CPU s', 1)} (${decimal(s.generator.coresMean, 'cores', 2)} mean), ${count(s.generator.listenersPerCore)} listeners per core, RSS peak ${decimal(s.generator.peakRssMB, 'MB', 0)}`),
    row('Client failures survived', reasons(r.clientFailures ?? {})),
    ...(r.browsers ? browserRows(r.browsers) : []),
  ];
}

/** Real players beside the simulated ones: if these two disagree, the model of a player is wrong. */
export function browserRows(b: NonNullable<LoadtestReport['browsers']>): string[] {
  const played = b.players.filter((p) => p.firstAudioMs !== null);
  return [
    row('Real players (hls.js in Chromium)', b.error ?? `${played.length} of ${b.players.length} played; first audio ${played.map((p) => count(p.firstAudioMs, 'ms')).join(', ') || '-'}; stalls ${b.players.map((p) => count(p.stalls)).join(', ')}${b.players.some((p) => p.error) ? `; problems: ${b.players.filter((p) => p.error).map((p) => `#${p.index + 1} ${p.error}`).join('; ')}` : ''}`),
    row('Real vs simulated player', `requests per second per player: real ${decimal(b.realRequestsPerSecond, 'req/s')}, simulated ${decimal(b.simulatedRequestsPerListenerSecond, 'req/s')}; stalls per player: real ${decimal(b.realStallsPerPlayer, '', 2)}, simulated ${decimal(b.simulatedStallsPerListener, '', 2)}`),
  ];
}

/** One self-contained file: inline CSS and SVG, no script, no external resource. */
export function renderReportHtml(r: LoadtestReport): string {
  const t = r.timeline;
  const origin = r.originSamples;
  const charts = [
    lineChart(series(t, [['target', 'target'], ['playing', 'playing'], ['joining', 'joining'], ['stalledNow', 'stalled now']]), { title: 'LL-HLS listeners over time', yLabel: 'listeners' }),
    lineChart(series(t, [['joinP50', 'join p50'], ['joinP99', 'join p99']]), { title: 'Join latency (multivariant + media playlist), per second', yLabel: 'ms' }),
    lineChart(series(t, [['firstAudioP50', 'first audio p50'], ['firstAudioP99', 'first audio p99']]), { title: 'Time to first audio (first part received), per second', yLabel: 'ms' }),
    lineChart(series(t, [['stalledNow', 'stalled now'], ['stallsTotal', 'stalls so far']]), { title: 'Stalls (rebuffering)', yLabel: 'listeners / stalls' }),
    lineChart(series(t, [['requestsPerSecond', 'on the wire'], ['listenerRequestsPerSecond', 'by listeners'], ['errorsPerSecond', 'errors']]), { title: 'Audience requests per second', yLabel: 'req/s' }),
    lineChart([{ name: 'origin cpu', color: COLORS[0]!, points: origin.map((o) => [o.t, o.cpuCores] as const) }, { name: 'load generator cpu', color: COLORS[1]!, points: t.map((p) => [p.t, p.generatorCores] as const) }], { title: 'CPU (cores), origin from /metrics', yLabel: 'cores' }),
    lineChart([{ name: 'origin rss', color: COLORS[2]!, points: origin.map((o) => [o.t, o.rssMB] as const) }], { title: 'Origin resident memory', yLabel: 'MB' }),
    ...(r.attack ? attackCharts(r) : []),
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tribune load test — ${escapeHtml(r.startedAt)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2rem;max-width:1400px;color:#111}
.charts{display:flex;flex-wrap:wrap;gap:1rem}figure{margin:0;border:1px solid #eee;padding:.5rem}
figcaption{font-weight:600;margin-top:.25rem}table{border-collapse:collapse;margin:1rem 0}
th,td{border:1px solid #ddd;padding:.3rem .6rem;text-align:left;vertical-align:top}
td.num{text-align:right;font-variant-numeric:tabular-nums}.PASS{background:#e6f4ea;font-weight:700}.FAIL{background:#fce8e6;font-weight:700}.NODATA{background:#fef7e0;font-weight:700}
</style></head><body>
<h1>Tribune load test${r.attack ? ': the night of the attack' : ''}</h1>
<p>Target <code>${escapeHtml(r.target)}</code>, Space <code>${escapeHtml(r.spaceId)}</code>, ${escapeHtml(r.startedAt)} to ${escapeHtml(r.endedAt)} (${r.durationS} s profile).</p>
${r.attack ? attackSections(r) : ''}
<h2>Summary</h2><table>${summaryRows(r).join('')}</table>
<h2>Over time</h2><div class="charts">${charts.join('\n')}</div>
<h2>Notes</h2><ul>${r.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>
<h2>Options</h2><pre>${escapeHtml(JSON.stringify(r.options, null, 2))}</pre>
</body></html>
`;
}
