import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { HttpClient } from './http-client.js';
import { HlsListener, type AudienceContext } from './hls-listener.js';
import { Interactions } from './interactions.js';
import { LOADTEST_DEFAULTS, profileDurationMs, targetAt, type LoadtestOptions } from './options.js';
import { OriginMetrics } from './origin-metrics.js';
import type { LoadtestReport, TimelinePoint } from './report.js';
import { Scheduler } from './scheduler.js';
import { endSpace, newRunId, prepareSpace, stageToken } from './setup.js';
import { StagePeers } from './stage-peers.js';
import { percentile, round, Samples } from './stats.js';
import { isLoopbackUrl, TargetRefused } from './target.js';
import { summarizeRun } from './summarize.js';
import { AttackRun, honestAccountAddress, honestListenerAddress } from './attack/attack-run.js';
import { Counter } from './stats.js';
import { BrowserPlayers } from './browser-players.js';

/** What the live view draws each second. */
export interface LiveSnapshot {
  readonly elapsedS: number;
  readonly durationS: number;
  readonly point: TimelinePoint;
  readonly errors: Record<string, number>;
  readonly peakTarget: number;
  readonly phase: 'setup' | 'running' | 'draining' | 'done';
}

export interface RunHooks {
  readonly onTick?: (snapshot: LiveSnapshot) => void;
  readonly signal?: AbortSignal;
}

const RAMP_TICK_MS = 50;

/**
 * Runs one load test to the end of its profile (or until `signal` aborts) and returns the report.
 * Every loop here is bounded by the profile's duration, itself bounded by LOADTEST_DEFAULTS.
 */
export async function runLoadtest(options: LoadtestOptions, hooks: RunHooks = {}): Promise<LoadtestReport> {
  if (!options.allowRemote && !isLoopbackUrl(options.target)) throw new TargetRefused(options.target);
  if (options.metricsUrl && !options.allowRemote && !isLoopbackUrl(options.metricsUrl)) throw new TargetRefused(options.metricsUrl);
  // The flood forges thousands of source addresses from 127.0.0.0/8: it is for this machine only, whatever --allow-remote says.
  if (options.attack && !isLoopbackUrl(options.target)) throw new TargetRefused(options.target, 'the attack profile floods loopback targets only');
  // A run survives any of its clients failing and reports it: a rejection nobody awaited (a
  // client library's bug) is counted here instead of ending the process with no report.
  const clientFailures = new Counter();
  const onUnhandled = (reason: unknown): void => { clientFailures.add(`unhandled rejection: ${String((reason as Error)?.message ?? reason).slice(0, 120)}`); };
  process.on('unhandledRejection', onUnhandled);
  try {
    return await runWithGuard(options, hooks, clientFailures);
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
}

async function runWithGuard(options: LoadtestOptions, hooks: RunHooks, clientFailures: Counter): Promise<LoadtestReport> {
  const d = LOADTEST_DEFAULTS;
  const startedAt = new Date();
  const run = newRunId();
  const client = new HttpClient(options.target, { maxSockets: options.maxSockets, timeoutMs: options.requestTimeoutMs });
  const scheduler = new Scheduler();
  const setup = await prepareSpace(client, { spaceId: options.spaceId, create: options.create, handle: options.handle, password: options.password, run })
    .catch((err) => { scheduler.close(); client.close(); throw err; });
  const peers = new StagePeers(options.target, setup.spaceId);
  let t0 = performance.now();
  const elapsedS = (): number => round((performance.now() - t0) / 1000, 2);
  const attack = options.attack
    ? await AttackRun.prepare(options.attack, options.target, setup.spaceId, client, setup.hostToken, elapsedS).catch((err) => { scheduler.close(); client.close(); throw err; })
    : undefined;
  const flooding = attack ? (): boolean => attack.flooding : undefined;
  const interactions = new Interactions(client, scheduler, {
    spaceId: setup.spaceId, run, askers: Math.min(options.askers, d.maxAccounts), voters: Math.min(options.voters, d.maxAccounts),
    tappers: Math.min(options.tappers, d.maxListeners), tapIntervalMs: options.tapIntervalMs,
    askIntervalMs: d.askIntervalMs, voteIntervalMs: d.voteIntervalMs, spoofForwardedFor: options.spoofForwardedFor,
    hostToken: setup.hostToken, moderateIntervalMs: d.moderateIntervalMs,
    addressOf: attack ? honestAccountAddress : undefined, flooding,
  });
  const ctx: AudienceContext = {
    client, scheduler, spaceId: setup.spaceId, delivery: await hlsDelivery(client, setup.spaceId), collapse: options.collapse, playerBufferMs: options.playerBufferMs,
    heartbeats: options.heartbeats, heartbeatIntervalMs: d.heartbeatIntervalMs, spoofForwardedFor: options.spoofForwardedFor,
    addressOf: attack ? honestListenerAddress : undefined, flooding, firstAudioDuringFloodMs: new Samples(),
    joinMs: new Samples(), firstAudioMs: new Samples(), stallMs: new Samples(),
  };
  // Its own connection: a scrape queued behind a join storm would report the origin's CPU late.
  // An edge does not pass /metrics on: --metrics names the origin to scrape.
  const metricsClient = new HttpClient(options.metricsUrl ?? options.target, { maxSockets: 1, timeoutMs: 2000 });
  const origin = new OriginMetrics(metricsClient, options.metricsToken);
  const durationMs = profileDurationMs(options.profile);
  const timeline: TimelinePoint[] = [];
  const all: HlsListener[] = [];
  const active: HlsListener[] = [];
  let peakTarget = 0;
  let phase: LiveSnapshot['phase'] = 'setup';
  let lastSent = 0;
  let lastLogical = 0;
  let lastErrors = 0;
  let peakRss = 0;
  // Our own lateness: a simulated player whose callbacks run late stalls because of us, not the target.
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const cpuStart = process.cpuUsage();
  let cpuLast = cpuStart;
  let tickLast = performance.now();

  // Stage first, so the program has audio before the audience arrives; then the writes.
  const speakerTokens: string[] = [];
  for (let i = 0; i < Math.min(options.speakers, d.maxPeers); i++) {
    try { speakerTokens.push(await stageToken(client, setup)); } catch { peers.errors.add('stage-token'); }
  }
  await peers.addSpeakers(speakerTokens, options.speech);
  // WebRTC listeners connect before the storm: their handshakes are what we measure, not queueing
  // behind thousands of HTTP joins on this machine.
  await peers.addListeners(Math.min(options.whepListeners, d.maxPeers));
  // Real players open their pages before the clock starts: launching Chromium takes seconds.
  const browsers = new BrowserPlayers();
  await browsers.start(options.target, setup.spaceId, { count: options.browsers ?? 0, executablePath: options.chromiumPath ?? '/usr/bin/chromium', elapsedMs: () => performance.now() - t0 });
  // Under attack, the honest accounts exist before the flood (registering hashes a password, which
  // the origin rightly bounds while a login flood runs).
  const interactionsDone = interactions.start();
  if (attack) await interactionsDone;

  t0 = performance.now();
  const elapsed = (): number => performance.now() - t0;
  phase = 'running';
  attack?.start({ listeners: () => all, speakers: () => peers.stats().speakers, rssMB: () => origin.latest()?.rssMB ?? null, elapsedS });

  const ramp = setInterval(() => {
    const target = Math.min(d.maxListeners, targetAt(options.profile, elapsed()));
    peakTarget = Math.max(peakTarget, target);
    // Bounded by the target (itself bounded): never more than maxListeners objects.
    while (active.length < target && all.length < d.maxListeners) {
      const listener = new HlsListener(ctx, all.length);
      all.push(listener);
      active.push(listener);
    }
    while (active.length > target) active.pop()!.leave();
  }, RAMP_TICK_MS);

  const sample = (): TimelinePoint => {
    const t = performance.now();
    const wall = Math.max(0.001, (t - tickLast) / 1000);
    const cpu = process.cpuUsage();
    const generatorCores = (cpu.user - cpuLast.user + cpu.system - cpuLast.system) / 1e6 / wall;
    cpuLast = cpu;
    tickLast = t;
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    let joining = 0;
    let playing = 0;
    let stalledNow = 0;
    let stallsTotal = 0;
    for (const l of all) {
      stallsTotal += l.stalls;
      if (l.state === 'joining') joining += 1;
      else if (l.state === 'playing') { playing += 1; if (l.stalledAt(t)) stalledNow += 1; }
    }
    const joins = ctx.joinMs.takeWindow();
    const firsts = ctx.firstAudioMs.takeWindow();
    ctx.stallMs.takeWindow();
    const errorsTotal = client.errors.total + peers.errors.total;
    const stage = peers.stats();
    const o = origin.latest();
    const point: TimelinePoint = {
      t: round(elapsed() / 1000, 2),
      target: Math.min(d.maxListeners, targetAt(options.profile, elapsed())),
      joining, playing, stalledNow, stallsTotal,
      requestsPerSecond: Math.round((client.sent - lastSent) / wall),
      listenerRequestsPerSecond: Math.round((client.logical - lastLogical) / wall),
      errorsPerSecond: Math.round((errorsTotal - lastErrors) / wall),
      joinP50: joins.length ? round(percentile(joins, 50)) : null,
      joinP99: joins.length ? round(percentile(joins, 99)) : null,
      firstAudioP50: firsts.length ? round(percentile(firsts, 50)) : null,
      firstAudioP99: firsts.length ? round(percentile(firsts, 99)) : null,
      whep: stage.whep, speakers: stage.speakers,
      generatorCores: round(generatorCores, 3),
      generatorEventLoopP99Ms: round(loopDelay.percentile(99) / 1e6, 1),
      originCpuCores: o?.cpuCores ?? null, originRssMB: o?.rssMB ?? null, originEventLoopP99Ms: o?.eventLoopP99Ms ?? null,
    };
    loopDelay.reset();
    lastSent = client.sent;
    lastLogical = client.logical;
    lastErrors = errorsTotal;
    return point;
  };

  const tick = (): void => {
    origin.scrape(round(elapsed() / 1000, 2));
    const sampled = sample();
    const point = attack ? { ...sampled, ...attack.tick(sampled) } : sampled;
    timeline.push(point);
    try {
      hooks.onTick?.({ elapsedS: point.t, durationS: durationMs / 1000, point, errors: { ...client.errors.toJSON(), ...peers.errors.toJSON() }, peakTarget, phase });
    } catch (err) {
      clientFailures.add(`live view: ${String((err as Error).message).slice(0, 120)}`);
    }
  };
  const ticker = setInterval(tick, d.tickMs);

  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, durationMs);
    hooks.signal?.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
  });
  phase = 'draining';
  clearInterval(ramp);
  for (const l of active) l.leave();
  interactions.stop();
  await attack?.stop();
  const real = options.browsers ? await browsers.stop() : undefined;
  await Promise.race([interactionsDone, sleep(d.drainMs)]);
  const stageFinal = peers.stats();
  await peers.close();
  await endSpace(client, setup).catch(() => undefined);
  clearInterval(ticker);
  tick();
  phase = 'done';
  loopDelay.disable();
  scheduler.close();
  const cpuEnd = process.cpuUsage(cpuStart);
  client.close();
  metricsClient.close();

  const summary = summarizeRun({
    timeline, ctx, all, peakTarget, client, peers, stageFinal, interactions, origin, options,
    generatorCpuSeconds: (cpuEnd.user + cpuEnd.system) / 1e6, wallSeconds: (performance.now() - t0) / 1000, peakRssMB: peakRss / 1e6,
  });
  const { password: _omit, metricsToken: _token, ...shown } = options;
  const attackReport = attack?.report({ listeners: all, firstAudioDuringFlood: ctx.firstAudioDuringFloodMs!, interactions, timeline });
  const notes = notesFor(options, summary.errors);
  const lateSeconds = timeline.filter((p) => (p.generatorEventLoopP99Ms ?? 0) > 200).length;
  if (lateSeconds > 0) {
    notes.push(`In ${lateSeconds} of ${timeline.length} seconds this load generator's own event loop was more than 200 ms late (p99): its simulated players were late too, so stalls in those seconds may be the generator's, not the target's. The real players (--browsers) and a second machine tell them apart.`);
  }
  if (attackReport && attackReport.flood.targetRate > 0 && attackReport.flood.achievedAnsweredPerSecond < 0.9 * attackReport.flood.targetRate) {
    const f = attackReport.flood;
    notes.push(`The flood reached ${f.achievedAnsweredPerSecond.toLocaleString('en-US')} answered req/s of the ${f.targetRate.toLocaleString('en-US')} aimed at (${f.achievedSentPerSecond.toLocaleString('en-US')} req/s written, the rest still queued when it ended): the load generator, the edge and the origin share this machine, and no faster was possible. Every figure is for the rate achieved.`);
  }
  return {
    tool: 'tribune loadtest', reportVersion: 1, startedAt: startedAt.toISOString(), endedAt: new Date().toISOString(),
    target: options.target, spaceId: setup.spaceId, options: { ...shown, password: options.password ? '***' : undefined },
    durationS: round(durationMs / 1000, 2), summary, timeline, originSamples: origin.samples,
    notes,
    clientFailures: clientFailures.toJSON(),
    ...(attackReport ? { attack: attackReport } : {}),
    ...(real ? { browsers: compareBrowsers(real, timeline, all) } : {}),
  };
}

/** Real and simulated players side by side: requests per second each, and stalls per player. */
function compareBrowsers(real: Awaited<ReturnType<BrowserPlayers['stop']>>, timeline: readonly TimelinePoint[], all: readonly HlsListener[]): NonNullable<LoadtestReport['browsers']> {
  const played = real.players.filter((p) => p.firstAudioMs !== null);
  const rates = played.map((p) => p.requestsPerSecond).filter((x): x is number => x !== null);
  // Simulated: requests the listeners made (collapsed or not) per listener playing, in the seconds at >= 95 % of the peak.
  const peak = Math.max(0, ...timeline.map((p) => p.playing));
  const steady = timeline.filter((p) => peak > 0 && p.playing >= 0.95 * peak);
  const perListener = steady.map((p) => p.listenerRequestsPerSecond / Math.max(1, p.playing));
  const played2 = all.filter((l) => l.played);
  return {
    players: real.players, error: real.error,
    realRequestsPerSecond: rates.length ? round(rates.reduce((a, b) => a + b, 0) / rates.length, 1) : null,
    simulatedRequestsPerListenerSecond: perListener.length ? round(perListener.reduce((a, b) => a + b, 0) / perListener.length, 1) : null,
    realStallsPerPlayer: played.length ? round(played.reduce((s, p) => s + p.stalls, 0) / played.length, 2) : null,
    simulatedStallsPerListener: played2.length ? round(played2.reduce((s, l) => s + l.stalls, 0) / played2.length, 2) : null,
  };
}

function notesFor(options: LoadtestOptions, errors: Record<string, number>): string[] {
  const notes: string[] = [];
  notes.push(options.collapse
    ? 'Request collapsing on: listeners asking for the same playlist or part at the same moment shared one request, as behind an edge cache. Joins (multivariant + media playlist) were sent per listener. Use --no-collapse to send every listener request to the target.'
    : 'Request collapsing off: every listener request went to the target.');
  if ((errors['rate-limited'] ?? 0) > 0) {
    notes.push('Some writes were rate-limited: every simulated client shares this machine\'s address. Start the origin with --trust-proxy loopback and pass --spoof-forwarded-for to give each its own, or raise the limits.');
  }
  notes.push('Load generator and target on one machine compete for CPU: origin figures are upper bounds.');
  return notes;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}

/** What the page's player does for this Space: its state's media.hlsDelivery (parts when unsaid). */
async function hlsDelivery(client: HttpClient, spaceId: string): Promise<AudienceContext['delivery']> {
  const res = await client.requestAsync(`/api/v1/spaces/${encodeURIComponent(spaceId)}/state`);
  try {
    return (JSON.parse(res.body.toString()) as { media?: { hlsDelivery?: string } }).media?.hlsDelivery === 'segment-streams' ? 'segment-streams' : 'parts';
  } catch {
    return 'parts';
  }
}
