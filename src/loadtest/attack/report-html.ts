import { count, decimal, latency, percent, reasons } from '../format.js';
import type { LoadtestReport } from '../report.js';
import { COLORS, row, series } from '../report-html.js';
import { escapeHtml, lineChart } from '../svg-chart.js';

const cell = (text: string, numeric = false): string => `<td${numeric ? ' class="num"' : ''}>${escapeHtml(text)}</td>`;

/** Goals with verdicts, the flood as sent and as refused, the honest side: the top of an attack report. */
export function attackSections(r: LoadtestReport): string {
  const a = r.attack!;
  const f = a.flood;
  const window = a.floodStartS === null ? 'the flood never started' : `from ${a.floodStartS.toFixed(0)} s to ${(a.floodEndS ?? r.durationS).toFixed(0)} s`;
  const goals = a.goals.map((g) => `<tr><th scope="row">${escapeHtml(g.goal)}</th>${cell(g.target)}${cell(g.measured)}<td class="${g.verdict.replace(' ', '')}">${g.verdict}</td></tr>`).join('');
  const kinds = Object.entries(f.kinds).sort((x, y) => y[1].sent - x[1].sent).map(([kind, k]) => {
    const by = (prefix: string): Record<string, number> => Object.fromEntries(Object.entries(k.outcomes).filter(([o]) => o.startsWith(prefix)).map(([o, v]) => [o.slice(prefix.length), v]));
    const sum = (o: Record<string, number>): number => Object.values(o).reduce((s, v) => s + v, 0);
    const edge = by('edge ');
    const origin = by('origin ');
    const accepted = by('accepted ');
    const none = by('no-answer ');
    return `<tr><th scope="row">${escapeHtml(kind)}</th>${cell(count(k.sent), true)}${cell(`${count(sum(edge))} (${reasons(edge, 4)})`)}${cell(`${count(sum(origin))} (${reasons(origin, 4)})`)}${cell(`${count(sum(accepted))} (${percent(sum(accepted), k.sent)})`)}${cell(`${count(sum(none))}${sum(none) ? ` (${reasons(none, 3)})` : ''}`)}${cell(count(k.forgedXff), true)}</tr>`;
  }).join('');
  const slow = f.slow.map((s) => `<tr><th scope="row">${escapeHtml(s.kind)}</th>${cell(count(s.opened), true)}${cell(`${count(s.cut)} (p50 ${decimal(s.cutAfterSP50, 's')}, max ${decimal(s.cutAfterSMax, 's')})`)}${cell(count(s.heldToTheEnd), true)}${cell(reasons(s.statuses))}</tr>`).join('');
  const probes = a.host.probes.filter((p) => !p.ok);
  const h = a.honestWrites;
  return `<h2>Goals</h2>
<table><tr><th>goal</th><th>target</th><th>measured</th><th>verdict</th></tr>${goals}</table>
<h2>The flood</h2>
<table>
${row('Flood window', `${window} of the run`)}
${row('Rate', `aimed at ${count(f.targetRate, 'req/s')}; achieved ${count(f.achievedAnsweredPerSecond, 'req/s')} answered (${percent(f.achievedAnsweredPerSecond, f.targetRate)} of the aim), ${count(f.achievedSentPerSecond, 'req/s')} written (a request written but still queued at the end was never answered); best second ${count(f.peakSentPerSecond, 'req/s')} written`)}
${row('Requests', `${count(f.sent)} sent from ${count(f.addresses)} loopback addresses in ${decimal(f.durationS, 's')}, ${count(f.answered)} answered (seed ${f.seed})`)}
${row('By layer', `refused at the edge ${count(f.byLayer.edge ?? 0)}, refused at the origin ${count(f.byLayer.origin ?? 0)}, accepted ${count(f.byLayer.accepted ?? 0)}, no answer ${count(f.byLayer['no-answer'] ?? 0)}`)}
${row('Connections refused', reasons(f.connectErrors))}
</table>
<table><tr><th>kind</th><th>sent</th><th>refused at the edge</th><th>refused at the origin</th><th>accepted</th><th>no answer</th><th>with forged X-Forwarded-For</th></tr>${kinds}</table>
<table><tr><th>slow sockets</th><th>opened</th><th>cut by the server</th><th>held to the end</th><th>statuses answered</th></tr>${slow}</table>
<h2>The honest side</h2>
<table>
${row('Listeners', `${count(a.listeners.playingAtFloodStart)} playing when the flood started; ${count(a.listeners.stallsSinceFlood)} stalls since (in ${count(a.listeners.listenersWithStallsSinceFlood)} listeners), ${count(a.listeners.stallsBeforeFlood)} during the warm-up`)}
${row('Listeners joining during the flood', `${count(a.listeners.joinedDuringFlood)} joined, ${count(a.listeners.joinedDuringFloodPlayed)} heard audio; time to first audio ${latency(a.listeners.firstAudioDuringFloodMs)}`)}
${row('Honest writes (questions, votes)', `${count(h.accepted)} of ${count(h.attempted)} accepted (${percent(h.accepted, h.attempted)}); during the flood ${count(h.duringFlood.accepted)} of ${count(h.duringFlood.attempted)} (${percent(h.duringFlood.accepted, h.duringFlood.attempted)}); refused: ${reasons(h.refusals)}`)}
${row('The host', `speakers on air before the flood ${count(a.host.speakersBeforeFlood)}, seconds with fewer since ${count(a.host.secondsOffAir, 's')}; WHIP probes ${count(a.host.probesOk)} of ${count(a.host.probes.length)} connected${probes.length ? `; failed at ${probes.map((p) => `${p.t.toFixed(0)} s (${p.reason})`).join(', ')}` : ''}`)}
${row('Origin', `RSS before the flood ${decimal(a.origin.rssMBBeforeFlood, 'MB', 0)}, peak ${decimal(a.origin.rssMBPeak, 'MB', 0)} (goal ${count(a.origin.rssLimitMB, 'MB')}); event-loop delay p99 median during the flood ${decimal(a.origin.eventLoopP99MsMedianDuringFlood, 'ms')}, peak ${decimal(a.origin.eventLoopP99MsPeak, 'ms')}`)}
</table>`;
}

export function attackCharts(r: LoadtestReport): string[] {
  const a = r.attack!;
  const t = r.timeline;
  const window = a.floodStartS === null ? '' : ` (flood ${a.floodStartS.toFixed(0)}–${(a.floodEndS ?? r.durationS).toFixed(0)} s)`;
  const probeOk = a.host.probes.map((p) => [p.t, p.ok ? p.connectMs : null] as const);
  return [
    lineChart(([['sent', 'written'], ['refusedAtEdge', 'refused at the edge'], ['accepted', 'accepted'], ['refusedAtOrigin', 'refused at the origin'], ['noAnswer', 'no answer']] as const).map(([field, name], i) => ({
      name, color: COLORS[i % COLORS.length]!, points: a.flood.timeline.map((s) => [s.t, s[field]] as const),
    })), { title: `Junk flood per second${window}`, yLabel: 'req/s' }),
    lineChart(series(t, [['originEventLoopP99Ms', 'origin (from /metrics)'], ['generatorEventLoopP99Ms', 'load generator (its own)']]), { title: `Event-loop delay p99: the origin's, and the load generator's own${window}`, yLabel: 'ms' }),
    lineChart([{ name: 'origin rss', color: COLORS[2]!, points: t.map((p) => [p.t, p.originRssMB] as const) }, { name: 'goal', color: COLORS[1]!, points: t.map((p) => [p.t, a.origin.rssLimitMB] as const) }], { title: `Origin resident memory against the goal${window}`, yLabel: 'MB' }),
    lineChart([{ name: 'WHIP probe connect (gap: failed)', color: COLORS[0]!, points: probeOk }], { title: `The host's WHIP probe${window}`, yLabel: 'ms' }),
    lineChart(series(t, [['speakers', 'speakers on air'], ['stalledNow', 'listeners stalled now']]), { title: `Speakers on air and stalled listeners${window}`, yLabel: 'count' }),
  ];
}
