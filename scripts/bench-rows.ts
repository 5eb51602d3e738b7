/**
 * What `npm run bench` knows about each script under bench/: its arguments (full and --quick) and
 * how its JSON becomes rows of the one table. A script not listed here still runs; its row says so.
 */
export interface BenchRow {
  readonly bench: string;
  readonly figure: string;
  readonly value: number | null;
  readonly unit: string;
  readonly target: string;
  readonly anchor: string;
  readonly anchorValue: number | null;
  /** 'same run', 'published', or '' when there is no anchor. */
  readonly anchorSource: string;
  /** value / anchorValue (for "lower is better" figures, < 1 is better). */
  readonly ratio: number | null;
}

type Json = Record<string, any>;

export interface BenchSpec {
  readonly full: readonly string[];
  readonly quick: readonly string[];
  /** A whole run may take this long before it is stopped (bounded, like everything else). */
  readonly timeoutS: number;
  readonly rows: (json: Json) => BenchRow[];
}

const r2 = (x: number): number => Math.round(x * 100) / 100;
const ratio = (a: unknown, b: unknown): number | null => (typeof a === 'number' && typeof b === 'number' && b !== 0 ? r2(a / b) : null);
const num = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);

function row(bench: string, figure: string, value: unknown, unit: string, target: string, anchor = '', anchorValue: unknown = null, anchorSource = ''): BenchRow {
  return { bench, figure, value: num(value), unit, target, anchor, anchorValue: num(anchorValue), anchorSource, ratio: ratio(value, anchorValue) };
}

/** LiveKit: 3000 audio subscribers on 16 cores at 80% = ~75k packets/s out per core (brief). */
const LIVEKIT_PACKETS_PER_CORE = 75_000;
/** The seed's night: the interview started 40+ minutes late (brief). */
const SEED_GO_LIVE_MS = 40 * 60_000;

export const BENCHES: Record<string, BenchSpec> = {
  'stage-fanout': {
    full: [], quick: ['50,100', '5', 'tribune,janus'], timeoutS: 1800,
    rows: (j) => {
      const results = (j.results ?? []) as Json[];
      const t = results.filter((x) => x.target === 'tribune' && x.listeners > 0).at(-1);
      const janus = results.find((x) => x.target === 'janus' && x.listeners === t?.listeners);
      return [
        row('stage-fanout', `WebRTC packets/s per core (${t?.listeners ?? '?'} WHEP listeners)`, t?.packetsPerSecondPerCore, 'pkt/s/core', '>= 100,000', 'LiveKit', LIVEKIT_PACKETS_PER_CORE, 'published'),
        row('stage-fanout', `CPU per WHEP listener (${t?.listeners ?? '?'})`, t?.cpuPerListenerPercentOfCore, '% of a core', '<= Janus', 'Janus streaming', janus?.cpuPerListenerPercentOfCore, 'same run'),
      ];
    },
  },
  'stage-mixer': {
    full: [], quick: ['13', '10', '2'], timeoutS: 900,
    rows: (j) => [row('stage-mixer', '13-speaker Space: program + mix-minus CPU', num(j.programPlusMixMinus?.coreShareMedian) === null ? null : r2(j.programPlusMixMinus.coreShareMedian * 100), '% of a core', 'informs <= 0.5x ffmpeg')],
  },
  'stage-latency': {
    full: [], quick: ['5', '2'], timeoutS: 600,
    rows: (j) => [row('stage-latency', 'speaker -> program, server-added p50', j.serverAddedMs?.p50, 'ms', '<= 20', 'Janus / LiveKit "tens of ms"', null, 'published')],
  },
  'audience-packaging-vs-ffmpeg': {
    full: [], quick: ['--seconds', '30', '--runs', '1'], timeoutS: 1200,
    rows: (j) => [row('audience-packaging-vs-ffmpeg', 'mix + encode + package CPU per program second', j.tribune?.cpuPerProgramSecondMs, 'ms', '<= 0.5x ffmpeg', 'ffmpeg amix+libopus+hls', j.ffmpeg?.cpuPerProgramSecondMs, 'same run')],
  },
  'clip-vs-ffmpeg': {
    full: [], quick: ['--minutes', '5', '--clips', '5'], timeoutS: 600,
    rows: (j) => [row('clip-vs-ffmpeg', `cut a ${j.clipSeconds ?? 60} s clip from a ${j.recordingMinutes ?? '?'} min recording (wall, median)`, j.tribune?.medianMs, 'ms', '<= ffmpeg', 'ffmpeg -ss -t -c copy', j.ffmpeg?.medianMs, 'same run')],
  },
  'audience-origin-load': {
    full: [], quick: ['--levels', '1000,5000', '--seconds', '5', '--direct', '500'], timeoutS: 1800,
    rows: (j) => {
      const edged = (j.rowsViaEdge ?? []) as Json[];
      const first = edged[0];
      const last = edged.at(-1);
      const direct = ((j.rowsDirectToOriginNoEdge ?? []) as Json[])[0];
      return [
        row('audience-origin-load', `origin req/s at ${last?.listeners ?? '?'} vs ${first?.listeners ?? '?'} listeners behind nginx`, last?.originRequestsPerSecond, 'req/s', 'flat within 10%', `same at ${first?.listeners ?? '?'}`, first?.originRequestsPerSecond, 'same run'),
        row('audience-origin-load', `origin req/s at ${first?.listeners ?? '?'} listeners, edge vs none`, first?.originRequestsPerSecond, 'req/s', 'flat', 'plain origin, no edge', direct?.originRequestsPerSecond, 'same run'),
      ];
    },
  },
  'audience-go-live': {
    full: [], quick: ['--runs', '3'], timeoutS: 600,
    rows: (j) => [
      row('audience-go-live', 'go live -> first audio, waiting listener (origin p50)', j.origin?.medianMs, 'ms', '<= 2,000', 'the seed event', SEED_GO_LIVE_MS, 'published'),
      row('audience-go-live', 'go live -> first audio, waiting listener (edge p50)', j.edge?.medianMs, 'ms', '<= 2,000', 'the seed event', SEED_GO_LIVE_MS, 'published'),
    ],
  },
  'audience-egress': {
    full: ['--seconds', '30'], quick: ['--seconds', '10'], timeoutS: 300,
    rows: (j) => [
      row('audience-egress', 'CDN egress per listener-second through the edge, page visible', j.pageVisible?.bytes, 'bytes', '<= 1.25x the audio', 'the audio payload itself', j.perListenerSecond?.audioPayloadBytes, 'same run'),
      row('audience-egress', '... in a background tab (state polled every 30 s)', j.pageHidden?.bytes, 'bytes', '<= 1.25x the audio', 'the audio payload itself', j.perListenerSecond?.audioPayloadBytes, 'same run'),
      row('audience-egress', 'requests per listener-second (reloads, parts, state), page visible', j.pageVisible?.requests, 'req/s', '<= 6'),
    ],
  },
  'audience-glass-to-glass': {
    full: ['--seconds', '60'], quick: ['--seconds', '20'], timeoutS: 300,
    rows: (j) => [
      row('audience-glass-to-glass', 'LL-HLS glass to glass, playback p50 (delivery + PART-HOLD-BACK)', j.playbackMs?.p50, 'ms', '<= 1,500', 'Apple LL-HLS 1-2 s; Periscope LHLS 2-5 s', 1500, 'published'),
      row('audience-glass-to-glass', '... delivery to a client at the live edge, p50', j.deliveryMs?.p50, 'ms', 'informative'),
    ],
  },
  'audience-glass-to-glass-browser': {
    full: ['--seconds', '40', '--edge'], quick: ['--seconds', '15', '--edge'], timeoutS: 300,
    rows: (j) => [
      row('audience-glass-to-glass-browser', 'glass to glass in Chromium with hls.js through the edge, p50', j.glassToGlassMs?.p50, 'ms', '<= 1,000', 'Apple LL-HLS 1-2 s; Periscope LHLS 2-5 s', 1000, 'published'),
      row('audience-glass-to-glass-browser', '... p95', j.glassToGlassMs?.p95, 'ms', 'informative'),
      row('audience-glass-to-glass-browser', '... player stalls', j.stalls, 'stalls', '0'),
    ],
  },
  'notes-scorer': {
    full: ['100000', '5'], quick: ['100000', '3'], timeoutS: 300,
    rows: (j) => [
      row('notes-scorer', `bridging scorer, ${j.ratings ?? '?'} ratings`, j.bridgingMsMedian, 'ms', 'seconds (issue: 100k in seconds)', 'majority vote, same ratings', j.majorityMsMedian, 'same run'),
      row('notes-scorer', 'one-sided notes shown helpful', j.oneSidedShown, 'notes', '0'),
    ],
  },
  'audit-chain': {
    full: ['300', '5'], quick: ['300', '3'], timeoutS: 300,
    rows: (j) => [
      row('audit-chain', `audit log appends, ${j.origins ?? '?'} origins at once, one chain (verifies: ${j.chainOk === true ? 'yes' : 'NO'})`, j.appendsPerSecondMedian, 'appends/s', 'informative',
        'independent one-row commits, same database', j.independentCommitsPerSecondMedian, 'same run'),
    ],
  },
  'outbox-write': {
    full: ['500', '5'], quick: ['200', '3'], timeoutS: 300,
    rows: (j) => [
      row('outbox-write', 'embedded write with its event in the outbox, until acknowledged', j.writeMsOutbox, 'ms', 'informative',
        'the same write, then a direct publish', j.writeMsDirect, 'same run'),
    ],
  },
  'outbox-relay': {
    full: ['2000', '5'], quick: ['1000', '3'], timeoutS: 300,
    rows: (j) => [
      row('outbox-relay', 'one relay draining the outbox to Redis (cluster mode)', j.relayedPerSecondMedian, 'events/s', 'informative',
        'direct publishes one after the other, same Redis', j.directPublishesPerSecondMedian, 'same run'),
      ],
    },
  'cluster-writes': {
    full: [], quick: ['--seconds', '3', '--rounds', '2', '--listeners', '2000', '--accounts', '20'], timeoutS: 900,
    rows: (j) => [
      row('cluster-writes', `audience writes per origin core, 3 origins (${j.machineCores ?? '?'}-core machine)`, j.threeOrigins?.writesPerCoreSecondMedian, 'writes/s/core', 'within 20 % of 1 origin', '1 origin, same load', j.oneOrigin?.writesPerCoreSecondMedian, 'same run'),
      row('cluster-writes', '... against 1 origin carrying what each of the 3 carries', j.threeOrigins?.writesPerCoreSecondMedian, 'writes/s/core', 'informative', '1 origin paced at a third of their rate', j.oneOriginThirdLoad?.writesPerCoreSecondMedian, 'same run'),
      row('cluster-writes', 'Redis commands per audience write, 3 origins', j.threeOrigins?.redisCommandsPerWrite, 'commands', 'informative'),
      row('cluster-writes', 'PostgreSQL queries per audience write, 3 origins', j.threeOrigins?.postgresQueriesPerWrite, 'queries', 'informative'),
    ],
  },
  failover: {
    full: ['--rounds', '3'], quick: ['--rounds', '1'], timeoutS: 900,
    rows: (j) => [
      row('failover', 'LL-HLS stall at the live edge, kill -9 of the primary (hot standby), median', j.kill?.llHlsStallS, 's', '<= 1', 'primary and standby killed: cold move', j.coldMove?.llHlsStallS, 'same run'),
      row('failover', 'speaker on air again after kill -9 of the primary, median', j.kill?.speakerBackMs, 'ms', '<= 3,000', 'cold move', j.coldMove?.speakerBackMs, 'same run'),
      row('failover', 'WHEP listener without the speaker, kill -9 of the primary, median', j.kill?.whepGapMs, 'ms', 'informative', 'cold move', j.coldMove?.whepGapMs, 'same run'),
      row('failover', 'LL-HLS stall, drain (SIGTERM) of the primary, median', j.drain?.llHlsStallS, 's', '0', 'cold move', j.coldMove?.llHlsStallS, 'same run'),
      row('failover', 'LL-HLS served without the voice (audible gap), kill -9 of the primary, median', j.kill?.llHlsGapMs, 'ms', '<= 1,000', 'cold move (after its stall)', j.coldMove?.llHlsGapMs, 'same run'),
      row('failover', 'LL-HLS served without the voice (audible gap), drain (SIGTERM), median', j.drain?.llHlsGapMs, 'ms', '0', 'cold move (after its stall)', j.coldMove?.llHlsGapMs, 'same run'),
      row('failover', 'WHEP listener without the speaker, drain (SIGTERM), median', j.drain?.whepGapMs, 'ms', 'informative', 'cold move', j.coldMove?.whepGapMs, 'same run'),
    ],
  },
  'captions-pipeline': {
    full: ['3'], quick: ['1'], timeoutS: 900,
    rows: (j) => [
      row('captions-pipeline', `caption WER through WHIP -> mixer -> LL-HLS WebVTT (${j.words ?? '?'} words, recorded speech)`, num(j.werPipeline) === null ? null : r2(j.werPipeline * 100), '%', '<= engine + 10 pts', 'same engine on the files', num(j.werDirect) === null ? null : r2(j.werDirect * 100), 'same run'),
      row('captions-pipeline', 'caption latency, end of word -> cue fetchable, p50', j.captionLatencyMs?.p50, 'ms', '<= 3,000'),
      row('captions-pipeline', 'captions worker per speaking speaker', num(j.workerCorePerSpeaker) === null ? null : r2(j.workerCorePerSpeaker * 100), '% of a core', 'informative'),
      row('captions-pipeline', 'server-added latency speaker -> program p50, captions on', j.serverAddedMs?.captionsOn, 'ms', 'within 10 % of off', 'captions off', j.serverAddedMs?.captionsOff, 'same run'),
      row('captions-pipeline', 'mixer tick p50, captions on', j.mixer?.tickMsOn?.p50, 'ms', 'within 10 % of off', 'captions off', j.mixer?.tickMsOff?.p50, 'same run'),
    ],
  },
  'loadtest-capacity': {
    full: [], quick: ['--listeners', '5000', '--ramp', '2500', '--hold', '8', '--uncollapsed', '100'], timeoutS: 900,
    rows: (j) => [
      row('loadtest-capacity', 'simulated LL-HLS listeners per core of load generator', j.listenersPerCore, 'listeners/core', '>= 10,000'),
      row('loadtest-capacity', '... counted at a real player\'s pace (listener req/s / 10)', j.realPaceListenersPerCore, 'listeners/core', '>= 10,000'),
      row('loadtest-capacity', '... without request collapsing, at a real player\'s pace', j.listenersPerCoreWithoutCollapsing, 'listeners/core', 'informative'),
    ],
  },
};

/** Targets of the brief that no script measures yet: listed under the table so nobody assumes them. */
export const UNMEASURED: string[] = [];

/** The last top-level JSON document in a script's stdout (scripts print pretty JSON then a summary line). */
export function lastJsonDocument(stdout: string): Json | undefined {
  const lines = stdout.split('\n');
  for (let end = lines.length - 1; end >= 0; end--) {
    if (lines[end] !== '}' && !/^\{.*\}$/.test(lines[end]!)) continue;
    for (let start = end; start >= 0; start--) {
      if (!lines[start]!.startsWith('{')) continue;
      try { return JSON.parse(lines.slice(start, end + 1).join('\n')) as Json; } catch { /* keep looking upwards */ }
    }
  }
  return undefined;
}

export function renderTable(rows: readonly BenchRow[]): string {
  const fmt = (v: number | null): string => (v === null ? '-' : v.toLocaleString('en-US', { maximumFractionDigits: 2 }));
  const cells = [
    ['figure', 'value', 'unit', 'target', 'anchor', 'anchor value', 'source', 'ratio'],
    ...rows.map((r) => [r.figure, fmt(r.value), r.unit, r.target, r.anchor || '-', fmt(r.anchorValue), r.anchorSource || '-', r.ratio === null ? '-' : `${fmt(r.ratio)}x`]),
  ];
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((c) => c[i]!.length)));
  const line = (c: string[]): string => c.map((x, i) => (i === 1 || i === 5 || i === 7 ? x.padStart(widths[i]!) : x.padEnd(widths[i]!))).join('  ');
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}
