/** A stage of the audience profile: move linearly from the previous level to `listeners` over `durationS`. */
export interface ProfileStage {
  readonly durationS: number;
  readonly listeners: number;
}

export interface LoadtestOptions {
  /** Base URL of the deployment (an origin or an edge in front of it). */
  readonly target: string;
  readonly allowRemote: boolean;
  /** An existing live Space; without it, `create` (or credentials) makes one and ends it afterwards. */
  readonly spaceId: string | undefined;
  readonly create: boolean;
  readonly handle: string | undefined;
  readonly password: string | undefined;
  /** LL-HLS listeners over time; its total duration bounds the run. */
  readonly profile: readonly ProfileStage[];
  readonly whepListeners: number;
  readonly speakers: number;
  /** Speakers say this through espeak-ng instead of a tone (falls back to a tone without espeak-ng). */
  readonly speech: string | undefined;
  readonly askers: number;
  readonly voters: number;
  readonly tappers: number;
  readonly tapIntervalMs: number;
  /** Each LL-HLS listener takes a listener token and heartbeats like the web player. */
  readonly heartbeats: boolean;
  /**
   * Listeners asking for the same URL at the same moment share one request, as an edge cache with
   * request collapsing would. Off: every listener sends its own (origin load per listener).
   */
  readonly collapse: boolean;
  /** Give each simulated client its own X-Forwarded-For (counts only if the origin trusts the proxy). */
  readonly spoofForwardedFor: boolean;
  readonly maxSockets: number;
  /** Playback starts this long after the first part arrives: the player's safety margin. */
  readonly playerBufferMs: number;
  readonly requestTimeoutMs: number;
  readonly metricsIntervalMs: number;
  /** Where to write report.json and report.html; undefined: no files. */
  readonly reportDir: string | undefined;
  /** Where the origin's /metrics is scraped (an edge does not pass /metrics on); default: the target. */
  readonly metricsUrl?: string | undefined;
  readonly metricsToken?: string | undefined;
  /** The night of the attack: a junk flood while the audience listens and asks (--profile attack). */
  readonly attack?: AttackOptions | undefined;
  /** Real players (the listener page, hls.js in Chromium) beside the simulated ones. */
  readonly browsers?: number | undefined;
  readonly chromiumPath?: string | undefined;
}

export interface AttackOptions {
  /** Junk requests per second aimed at; the report says what was achieved. */
  readonly floodRate: number;
  readonly floodDurationS: number;
  /** Distinct loopback source addresses of the flood (127.64.0.0/10, 64 per /24). */
  readonly floodAddresses: number;
  /** Slowloris and never-ending-body sockets, in all. */
  readonly slowSockets: number;
  readonly seed: number;
  /** Before the flood: the audience joins and settles. After it: how the service recovers. */
  readonly warmupS: number;
  readonly tailS: number;
  /** Listeners who join during the flood (their time to first audio is reported on its own). */
  readonly joinersDuringFlood: number;
  /** The "RSS bounded" goal: the origin's resident memory never above this. */
  readonly rssLimitMB: number;
  /** A WHIP publish by the host, connected then closed, every this many ms. */
  readonly probeIntervalMs: number;
  readonly pipeline: number;
}

/** Every default and hard bound of the load test, in one place. */
export const LOADTEST_DEFAULTS = {
  listeners: 1000,
  rampPerSecond: 500,
  durationS: 30,
  whepListeners: 0,
  speakers: 1,
  askers: 0,
  voters: 0,
  tappers: 0,
  tapIntervalMs: 1000,
  heartbeats: false,
  collapse: true,
  spoofForwardedFor: false,
  maxSockets: 1024,
  playerBufferMs: 600,
  requestTimeoutMs: 10_000,
  metricsIntervalMs: 1000,
  /** Hard bounds: a run can never grow past these whatever the flags say. */
  maxListeners: 500_000,
  maxDurationS: 4 * 3600,
  maxPeers: 500,
  maxAccounts: 10_000,
  /** Live-view redraw and timeline sample period. */
  tickMs: 1000,
  /** Heartbeats as the web player sends them (server's HEARTBEAT_SECONDS). */
  heartbeatIntervalMs: 30_000,
  /** The server accepts one question per account per minute by default: ask a little less often, so an honest asker never trips it. */
  askIntervalMs: 61_000,
  voteIntervalMs: 5_000,
  moderateIntervalMs: 2_000,
  /** After the profile ends, time given to peers and requests to wind down. */
  drainMs: 3_000,
} as const;

/** Defaults and bounds of --profile attack (the night of the attack, docs/loadtest.md). */
export const ATTACK_DEFAULTS = {
  listeners: 1000,
  askers: 10,
  voters: 10,
  floodRate: 20_000,
  floodDurationS: 60,
  floodAddresses: 4096,
  slowSockets: 300,
  seed: 1,
  warmupS: 10,
  tailS: 10,
  rssLimitMB: 1024,
  probeIntervalMs: 5_000,
  pipeline: 8,
  /** Hard bounds: whatever the flags say. */
  maxFloodRate: 100_000,
  maxFloodDurationS: 600,
  /** 127.64.0.0/10 holds 4M addresses; far fewer are needed to look like a botnet. */
  maxFloodAddresses: 65_536,
  maxSlowSockets: 2_000,
} as const;

/** The attack's audience: ramp to `listeners` during the warm-up, `joiners` more arrive during the flood, then hold. */
export function attackProfile(listeners: number, attack: Pick<AttackOptions, 'warmupS' | 'floodDurationS' | 'tailS' | 'joinersDuringFlood'>): ProfileStage[] {
  return [
    { durationS: Math.max(1, attack.warmupS * 0.6), listeners },
    { durationS: Math.max(0, attack.warmupS * 0.4), listeners },
    { durationS: attack.floodDurationS, listeners: listeners + attack.joinersDuringFlood },
    { durationS: attack.tailS, listeners: listeners + attack.joinersDuringFlood },
  ];
}

export function rampProfile(listeners: number, rampPerSecond: number, durationS: number): ProfileStage[] {
  const rampS = rampPerSecond > 0 ? listeners / rampPerSecond : 0;
  const stages: ProfileStage[] = [{ durationS: Math.min(rampS, durationS), listeners: rampS > durationS ? Math.round(rampPerSecond * durationS) : listeners }];
  if (durationS > rampS) stages.push({ durationS: durationS - rampS, listeners });
  return stages;
}

/** Parses and bounds a staged profile file: {"stages":[{"durationS":10,"listeners":5000},...]}. */
export function parseProfile(json: unknown): ProfileStage[] {
  const stages = (json as { stages?: unknown })?.stages;
  if (!Array.isArray(stages) || stages.length === 0 || stages.length > 1000) throw new TypeError('profile: "stages" must be a non-empty array (at most 1000)');
  const out = stages.map((s: unknown, i) => {
    const { durationS, listeners } = (s ?? {}) as { durationS?: unknown; listeners?: unknown };
    if (typeof durationS !== 'number' || !(durationS >= 0) || typeof listeners !== 'number' || !(listeners >= 0) || !Number.isInteger(listeners)) {
      throw new TypeError(`profile: stage ${i} needs durationS >= 0 and an integer listeners >= 0`);
    }
    return { durationS, listeners };
  });
  validateProfile(out);
  return out;
}

export function validateProfile(stages: readonly ProfileStage[]): void {
  const total = stages.reduce((s, x) => s + x.durationS, 0);
  if (total <= 0) throw new TypeError('profile: total duration must be > 0');
  if (total > LOADTEST_DEFAULTS.maxDurationS) throw new TypeError(`profile: at most ${LOADTEST_DEFAULTS.maxDurationS} s`);
  if (stages.some((s) => s.listeners > LOADTEST_DEFAULTS.maxListeners)) throw new TypeError(`profile: at most ${LOADTEST_DEFAULTS.maxListeners} listeners`);
}

export function profileDurationMs(stages: readonly ProfileStage[]): number {
  return stages.reduce((s, x) => s + x.durationS, 0) * 1000;
}

/** The number of listeners the profile wants at `ms` after the start. */
export function targetAt(stages: readonly ProfileStage[], ms: number): number {
  let start = 0;
  let from = 0;
  for (const stage of stages) {
    const end = start + stage.durationS * 1000;
    if (ms < end) return Math.round(from + ((stage.listeners - from) * (ms - start)) / Math.max(1, end - start));
    start = end;
    from = stage.listeners;
  }
  return from;
}
