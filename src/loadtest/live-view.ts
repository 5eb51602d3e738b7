import type { LiveSnapshot } from './run.js';
import type { LoadtestReport } from './report.js';
import { count, decimal, latency, percent, reasons } from './format.js';

const fmt = (n: number | null | undefined, unit = ''): string => (n === null || n === undefined || Number.isNaN(n) ? '-' : `${Math.round(n).toLocaleString('en-US')}${unit}`);

export function bar(fraction: number, width = 30): string {
  const f = Math.max(0, Math.min(1, Number.isFinite(fraction) ? fraction : 0));
  const full = Math.round(f * width);
  return `[${'#'.repeat(full)}${'.'.repeat(width - full)}]`;
}

function errorsLine(errors: Record<string, number>): string {
  const entries = Object.entries(errors);
  return entries.length === 0 ? 'none' : entries.slice(0, 6).map(([k, v]) => `${k} ${fmt(v)}`).join(', ');
}

/** The multi-line view redrawn in place on a terminal. */
export function renderLive(s: LiveSnapshot): string[] {
  const p = s.point;
  return [
    `tribune loadtest  ${s.phase}  ${bar(s.elapsedS / Math.max(1, s.durationS))} ${fmt(s.elapsedS)}/${fmt(s.durationS)} s`,
    `listeners  ${bar(p.playing / Math.max(1, s.peakTarget))} ${fmt(p.playing)} playing, ${fmt(p.joining)} joining, target ${fmt(p.target)}`,
    `requests   ${fmt(p.requestsPerSecond)}/s on the wire, ${fmt(p.listenerRequestsPerSecond)}/s by listeners, errors ${fmt(p.errorsPerSecond)}/s`,
    `join       p50 ${fmt(p.joinP50, ' ms')}  p99 ${fmt(p.joinP99, ' ms')}   first audio p50 ${fmt(p.firstAudioP50, ' ms')}  p99 ${fmt(p.firstAudioP99, ' ms')}`,
    `stalls     ${fmt(p.stalledNow)} stalled now, ${fmt(p.stallsTotal)} in all`,
    `stage      ${fmt(p.speakers)} speakers, ${fmt(p.whep)} WHEP listeners`,
    `origin     cpu ${p.originCpuCores === null ? '-' : p.originCpuCores.toFixed(2)} cores, rss ${fmt(p.originRssMB, ' MB')}   generator ${p.generatorCores.toFixed(2)} cores, event loop p99 ${fmt(p.generatorEventLoopP99Ms, ' ms')}`,
    `errors     ${errorsLine(s.errors)}`,
    ...(p.floodSent !== undefined ? [`flood      ${fmt(p.floodSent)}/s sent: ${fmt(p.floodRefusedAtEdge)}/s refused at the edge, ${fmt(p.floodRefusedAtOrigin)}/s at the origin, ${fmt(p.floodAccepted)}/s accepted, ${fmt(p.floodNoAnswer)}/s unanswered   origin event loop p99 ${fmt(p.originEventLoopP99Ms, ' ms')}`] : []),
  ];
}

/** One line per tick when stdout is not a terminal (CI logs, files). */
export function renderLine(s: LiveSnapshot): string {
  const p = s.point;
  return `t=${p.t}s playing=${p.playing} joining=${p.joining} target=${p.target} req/s=${p.requestsPerSecond} errors/s=${p.errorsPerSecond} join_p50=${fmt(p.joinP50)}ms join_p99=${fmt(p.joinP99)}ms stalled=${p.stalledNow} stalls=${p.stallsTotal} whep=${p.whep} speakers=${p.speakers} origin_cpu=${p.originCpuCores ?? '-'} gen_lag_p99_ms=${p.generatorEventLoopP99Ms ?? '-'} origin_rss_mb=${p.originRssMB ?? '-'}${p.originEventLoopP99Ms != null ? ` origin_lag_p99_ms=${p.originEventLoopP99Ms}` : ''}${p.floodSent !== undefined ? ` flood/s=${p.floodSent} flood_edge/s=${p.floodRefusedAtEdge} flood_origin/s=${p.floodRefusedAtOrigin} flood_accepted/s=${p.floodAccepted}` : ''}`;
}

/** Redraws in place with ANSI (cursor up, clear to end of screen) on a TTY; plain lines otherwise. */
export class LiveView {
  readonly #out: NodeJS.WritableStream;
  readonly #tty: boolean;
  #lines = 0;

  constructor(out: NodeJS.WritableStream & { isTTY?: boolean }, tty = Boolean(out.isTTY)) {
    this.#out = out;
    this.#tty = tty;
  }

  draw(s: LiveSnapshot): void {
    if (!this.#tty) { this.#out.write(`${renderLine(s)}\n`); return; }
    const lines = renderLive(s);
    this.#out.write(`${this.#lines ? `\x1b[${this.#lines}A\x1b[J` : ''}${lines.join('\n')}\n`);
    this.#lines = lines.length;
  }
}

export function renderSummary(r: LoadtestReport): string {
  const s = r.summary;
  const pct = (x: { p50: number; p99: number; count: number }): string => (x.count ? `p50 ${fmt(x.p50)} ms, p99 ${fmt(x.p99)} ms (${fmt(x.count)})` : '-');
  return [
    '',
    `Summary — ${r.target}, Space ${r.spaceId}, ${r.durationS} s`,
    `  listeners       peak ${fmt(s.peakPlaying)} playing of ${fmt(s.peakTarget)} wanted; ${fmt(s.listenersStarted)} started`,
    `  join            ${pct(s.joinMs)}`,
    `  first audio     ${pct(s.firstAudioMs)}`,
    `  stalls          ${fmt(s.stalls.count)} (${fmt(s.stalls.listenersWithStalls)} listeners), ${pct(s.stalls.stallMs)}`,
    `  requests        ${fmt(s.requests.sent)} sent, ${fmt(s.requests.simulated)} by listeners, peak ${fmt(s.requests.peakPerSecond)}/s`,
    `  errors          ${errorsLine(s.errors)}`,
    `  stage           speakers ${s.stage.speakersConnected}/${s.stage.speakersRequested}, WHEP ${s.stage.whepConnected}/${s.stage.whepRequested}, WHEP first packet ${pct(s.stage.whepFirstPacketMs)}`,
    `  interactions    ${fmt(s.interactions.questions)} questions, ${fmt(s.interactions.votes)} votes, ${fmt(s.interactions.reactions)} reactions`,
    `  origin          cpu mean ${s.origin.cpuCoresMean ?? '-'} / peak ${s.origin.cpuCoresPeak ?? '-'} cores, rss peak ${fmt(s.origin.rssMBPeak, ' MB')}`,
    `  load generator  ${s.generator.coresMean} cores mean, ${fmt(s.generator.listenersPerCore)} listeners per core, rss peak ${fmt(s.generator.peakRssMB, ' MB')}`,
    ...(r.browsers ? [
      `  real players    ${r.browsers.error ?? `${r.browsers.players.filter((p) => p.firstAudioMs !== null).length} of ${r.browsers.players.length} played (hls.js in Chromium); stalls ${r.browsers.players.map((p) => p.stalls).join(', ')}`}`,
      `  real vs model   requests/s per player: real ${decimal(r.browsers.realRequestsPerSecond, 'req/s')}, simulated ${decimal(r.browsers.simulatedRequestsPerListenerSecond, 'req/s')}; stalls per player: real ${decimal(r.browsers.realStallsPerPlayer, '', 2)}, simulated ${decimal(r.browsers.simulatedStallsPerListener, '', 2)}`,
    ] : []),
    ...(r.attack ? attackSummary(r) : []),
    ...Object.entries(r.clientFailures ?? {}).map(([k, v]) => `  client failure  ${k} (${fmt(v)})`),
    ...r.notes.map((n) => `  note: ${n}`),
    '',
  ].join('\n');
}

/** The night of the attack, in the terminal: goals first, then the flood and what refused it. */
function attackSummary(r: LoadtestReport): string[] {
  const a = r.attack!;
  const f = a.flood;
  const h = a.honestWrites;
  return [
    '',
    `The night of the attack — flood ${a.floodStartS?.toFixed(0) ?? '-'}–${a.floodEndS?.toFixed(0) ?? '-'} s`,
    ...a.goals.map((g) => `  ${g.verdict.padEnd(7)} ${g.goal.padEnd(28)} ${g.measured}  (goal: ${g.target})`),
    `  flood           aimed at ${count(f.targetRate, 'req/s')}, achieved ${count(f.achievedAnsweredPerSecond, 'req/s')} answered (${percent(f.achievedAnsweredPerSecond, f.targetRate)} of the aim), ${count(f.achievedSentPerSecond, 'req/s')} written, from ${count(f.addresses)} addresses`,
    `  refused         at the edge ${count(f.byLayer.edge ?? 0)}, at the origin ${count(f.byLayer.origin ?? 0)}; accepted ${count(f.byLayer.accepted ?? 0)}; no answer ${count(f.byLayer['no-answer'] ?? 0)}`,
    ...Object.entries(f.kinds).sort((x, y) => y[1].sent - x[1].sent).map(([kind, k]) => `    ${kind.padEnd(15)} ${count(k.sent).padStart(9)} sent: ${reasons(k.outcomes, 4)}`),
    ...f.slow.map((s) => `    ${s.kind.padEnd(15)} ${count(s.opened).padStart(9)} sockets: ${count(s.cut)} cut by the server (p50 ${decimal(s.cutAfterSP50, 's')}), ${count(s.heldToTheEnd)} held to the end`),
    `  joining         ${count(a.listeners.joinedDuringFlood)} joined during the flood, ${count(a.listeners.joinedDuringFloodPlayed)} heard audio; first audio ${latency(a.listeners.firstAudioDuringFloodMs)}`,
    `  honest writes   ${count(h.accepted)} of ${count(h.attempted)} accepted; refused: ${reasons(h.refusals)}`,
    `  host            ${count(a.host.probesOk)} of ${count(a.host.probes.length)} WHIP probes connected; ${count(a.host.secondsOffAir, 's')} with a speaker off air`,
    `  origin          RSS ${decimal(a.origin.rssMBBeforeFlood, 'MB', 0)} before, peak ${decimal(a.origin.rssMBPeak, 'MB', 0)}; event-loop p99 median ${decimal(a.origin.eventLoopP99MsMedianDuringFlood, 'ms')} during the flood, peak ${decimal(a.origin.eventLoopP99MsPeak, 'ms')}`,
  ];
}
