import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import ndc from 'node-datachannel';
import { MAX_BROWSER_PLAYERS } from '../loadtest/browser-players.js';
import { ATTACK_DEFAULTS as A, attackProfile, LiveView, LOADTEST_DEFAULTS as D, parseProfile, rampProfile, renderSummary, runLoadtest, validateProfile, writeReport, type AttackOptions, type LoadtestOptions } from '../loadtest/index.js';

export const LOADTEST_HELP = `tribune loadtest — drive a Tribune deployment with a realistic audience and stage, then report

Usage: tribune loadtest <url> [options]

<url> is the deployment's base URL (an origin, or the nginx edge in front of it). Only loopback
targets (127.0.0.0/8, ::1, localhost) are accepted unless --allow-remote is given.

The Space under test (one of):
  --space <id>            An existing Space (started if --user/--password is its host)
  --create                Register a fresh host account, create a Space, start it, end it afterwards
  --user <handle>         Log in as this host and create a Space (with --password, or the
  --password <pw>         TRIBUNE_LOADTEST_PASSWORD environment variable)

The audience (LL-HLS players at the live edge: blocking playlist reload, part fetches, rebuffering):
  --listeners <n>         Listeners at the peak                                 [default ${D.listeners}]
  --ramp <r>/s            Join rate while ramping up (a join storm)             [default ${D.rampPerSecond}/s]
  --duration <s>          Length of the whole run: 90, 90s, 5m                  [default ${D.durationS}s]
  --profile <file.json>   A staged profile instead of the three flags above:
                          {"stages":[{"durationS":10,"listeners":5000},{"durationS":60,"listeners":20000}]}
                          (each stage moves linearly from the previous level to its own)
  --profile attack        The night of the attack: see below
  --heartbeats            Each listener takes a listener token and heartbeats every 30 s, like the web player
  --player-buffer <ms>    Playback starts this long after the first part (the player's margin) [default ${D.playerBufferMs}]
  --no-collapse           Every listener sends its own playlist and part requests. By default
                          listeners asking for the same URL at the same moment share one request,
                          as they would behind an edge cache (joins are always per listener)
  --max-sockets <n>       Keep-alive connections in the shared pool             [default ${D.maxSockets}]
  --browsers <n>          Also this many real players: the listener page /s/<id> in Chromium
                          (hls.js), play pressed; their stalls and requests/s are reported beside
                          the simulated players' (at most ${MAX_BROWSER_PLAYERS}; the deployment must serve the web app)
  --chromium <path>       The Chromium to drive                                 [default /usr/bin/chromium]

The stage and the interactive audience:
  --speakers <n>          Speakers publishing generated audio over WHIP (needs the host) [default ${D.speakers}]
  --speech <text>         Speakers say this through espeak-ng instead of a tone
  --whep <n>              WebRTC (WHEP) listeners on the program                [default ${D.whepListeners}]
  --askers <n>            Accounts that ask a question a minute                 [default ${D.askers}]
  --voters <n>            Accounts that upvote a question every 5 s (with the host, pending
                          questions are approved every 2 s so voters see them) [default ${D.voters}]
  --tappers <n>           Anonymous listeners tapping reactions                 [default ${D.tappers}]
  --tap-interval <ms>     Time between one tapper's reactions                   [default ${D.tapIntervalMs}]
  --spoof-forwarded-for   Give each simulated client its own X-Forwarded-For address; counts only when
                          the origin runs with --trust-proxy (otherwise per-address rate limits apply
                          to the whole load generator)

The night of the attack (--profile attack): a live Space with its speaker, --listeners LL-HLS
listeners (default ${A.listeners}) and --askers/--voters honest accounts (default ${A.askers} each), each from its
own loopback address (127.10.0.0/16); after a ${A.warmupS} s warm-up, a junk flood from --flood-addresses
loopback addresses (127.64.0.0/10): random paths, forged and replayed tokens, question, vote,
reaction, login and listener-token floods, WHEP offers that never connect, forged X-Forwarded-For,
slowloris headers and never-ending bodies; the host publishes a WHIP probe every ${A.probeIntervalMs / 1000} s. The report
gives a PASS/FAIL verdict per goal: 0 stalls, >= 99 % honest writes accepted, the host on air
throughout, the origin's RSS under --rss-limit. Point <url> at the edge and --metrics at the origin.
  --flood-rate <r>/s      Junk requests per second aimed at (the achieved rate is reported) [default ${A.floodRate}/s]
                          0: the same night with the flood switched off (the baseline to compare)
  --flood-duration <s>    Length of the flood: 60, 60s, 2m                  [default ${A.floodDurationS}s]
  --flood-addresses <n>   Distinct loopback source addresses of the flood  [default ${A.floodAddresses}]
  --slow-sockets <n>      Slowloris + never-ending-body sockets, in all     [default ${A.slowSockets}]
  --warmup <s>            Audience settles before the flood                 [default ${A.warmupS}s]
  --tail <s>              Measured after the flood (recovery)               [default ${A.tailS}s]
  --joiners <n>           Listeners who join during the flood (time to first audio) [default listeners / 10]
  --rss-limit <MB>        The "RSS bounded" goal                            [default ${A.rssLimitMB}]
  --seed <n>              Seed of the flood's random mix (same seed, same requests) [default ${A.seed}]
  --metrics <url>         The origin whose /metrics is scraped (an edge does not serve it) [default: <url>]
                          A --metrics-token origin: TRIBUNE_METRICS_TOKEN in the environment

Output:
  --report-dir <dir>      Where report.json and report.html go       [default ./loadtest-<timestamp>]
  --no-report             Write no files
  --plain                 Periodic plain lines even on a terminal (the default when stdout is not a TTY)
  --allow-remote          Accept a non-loopback target (only a deployment you operate)
  -h, --help              This help

Hard bounds: at most ${D.maxListeners.toLocaleString('en-US')} listeners, ${D.maxDurationS} s, ${D.maxPeers} WebRTC peers, ${D.maxAccounts} accounts.
The run stops by itself at the end of its profile (Ctrl-C stops it early and still reports).

Examples:
  tribune loadtest http://localhost:8080 --create --listeners 20000 --ramp 2000/s --duration 60
  tribune loadtest http://localhost:8080 --create --speakers 3 --whep 20 --askers 20 --voters 100 --tappers 200
  tribune loadtest http://127.0.0.1:8081 --space 01HZX... --profile storm.json --no-collapse
  tribune loadtest http://127.0.0.1:8081 --create --profile attack --metrics http://127.0.0.1:8080
  tribune loadtest http://127.0.0.1:8081 --create --profile attack --listeners 100 --flood-rate 2000/s --flood-duration 20
`;

const OPTIONS = {
  listeners: { type: 'string' }, ramp: { type: 'string' }, duration: { type: 'string' }, profile: { type: 'string' },
  space: { type: 'string' }, create: { type: 'boolean' }, user: { type: 'string' }, password: { type: 'string' },
  whep: { type: 'string' }, speakers: { type: 'string' }, speech: { type: 'string' },
  askers: { type: 'string' }, voters: { type: 'string' }, tappers: { type: 'string' }, 'tap-interval': { type: 'string' },
  heartbeats: { type: 'boolean' }, 'no-collapse': { type: 'boolean' }, 'spoof-forwarded-for': { type: 'boolean' },
  'max-sockets': { type: 'string' }, 'player-buffer': { type: 'string' },
  'report-dir': { type: 'string' }, 'no-report': { type: 'boolean' }, plain: { type: 'boolean' },
  'allow-remote': { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
  'flood-rate': { type: 'string' }, 'flood-duration': { type: 'string' }, 'flood-addresses': { type: 'string' }, 'slow-sockets': { type: 'string' },
  warmup: { type: 'string' }, tail: { type: 'string' }, joiners: { type: 'string' }, 'rss-limit': { type: 'string' }, seed: { type: 'string' },
  metrics: { type: 'string' }, browsers: { type: 'string' }, chromium: { type: 'string' },
} as const;

class UsageError extends Error {}

function int(raw: string | undefined, name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) > max) throw new UsageError(`--${name} must be an integer from 0 to ${max}, got '${raw}'`);
  return Number(raw);
}

export function parseDuration(raw: string): number {
  const m = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(raw.trim());
  if (!m) throw new UsageError(`--duration must look like 90, 90s, 5m or 1h, got '${raw}'`);
  return Number(m[1]) * (m[2] === 'h' ? 3600 : m[2] === 'm' ? 60 : 1);
}

/** Flags to options; the one place the CLI's defaults meet LOADTEST_DEFAULTS. */
export function parseLoadtestFlags(argv: string[], env: NodeJS.ProcessEnv = process.env): { options: LoadtestOptions; plain: boolean; help: boolean } {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: true });
  if (values.help) return { options: undefined as never, plain: false, help: true };
  if (positionals.length !== 1) throw new UsageError('give exactly one target URL, e.g. tribune loadtest http://localhost:8080 --create');
  const target = positionals[0]!;
  try { new URL(target); } catch { throw new UsageError(`not a URL: '${target}'`); }
  let profile;
  let attack: AttackOptions | undefined;
  const attackFlags = ['flood-rate', 'flood-duration', 'flood-addresses', 'slow-sockets', 'warmup', 'tail', 'joiners', 'rss-limit', 'seed'] as const;
  if (values.profile === 'attack') {
    if (values.ramp || values.duration) throw new UsageError('--profile attack sets its own length: use --warmup, --flood-duration and --tail');
    const listeners = int(values.listeners, 'listeners', A.listeners, D.maxListeners);
    const rate = values['flood-rate'] === undefined ? A.floodRate : Number(/^(\d+(?:\.\d+)?)(?:\/s)?$/.exec(values['flood-rate'])?.[1] ?? NaN);
    if (!(rate >= 0) || rate > A.maxFloodRate) throw new UsageError(`--flood-rate must look like 2000/s, at most ${A.maxFloodRate}/s`);
    const floodDurationS = values['flood-duration'] ? parseDuration(values['flood-duration']) : A.floodDurationS;
    if (!(floodDurationS > 0) || floodDurationS > A.maxFloodDurationS) throw new UsageError(`--flood-duration must be from 1 to ${A.maxFloodDurationS} s`);
    attack = {
      floodRate: rate, floodDurationS,
      floodAddresses: Math.max(1, int(values['flood-addresses'], 'flood-addresses', A.floodAddresses, A.maxFloodAddresses)),
      slowSockets: int(values['slow-sockets'], 'slow-sockets', A.slowSockets, A.maxSlowSockets),
      seed: int(values.seed, 'seed', A.seed),
      warmupS: values.warmup ? parseDuration(values.warmup) : A.warmupS,
      tailS: values.tail ? parseDuration(values.tail) : A.tailS,
      joinersDuringFlood: int(values.joiners, 'joiners', Math.round(listeners / 10), D.maxListeners),
      rssLimitMB: Math.max(1, int(values['rss-limit'], 'rss-limit', A.rssLimitMB)),
      probeIntervalMs: A.probeIntervalMs, pipeline: A.pipeline,
    };
    profile = attackProfile(listeners, attack);
    try { validateProfile(profile); } catch (err) { throw new UsageError((err as Error).message); }
  } else if (attackFlags.some((f) => values[f] !== undefined)) {
    throw new UsageError(`--${attackFlags.find((f) => values[f] !== undefined)} belongs to --profile attack`);
  } else if (values.profile) {
    if (values.listeners || values.ramp || values.duration) throw new UsageError('--profile replaces --listeners, --ramp and --duration');
    try { profile = parseProfile(JSON.parse(readFileSync(values.profile, 'utf8'))); } catch (err) { throw new UsageError(`--profile: ${(err as Error).message}`); }
  } else {
    const ramp = values.ramp === undefined ? D.rampPerSecond : Number(/^(\d+(?:\.\d+)?)(?:\/s)?$/.exec(values.ramp)?.[1] ?? NaN);
    if (!(ramp > 0)) throw new UsageError(`--ramp must look like 2000/s, got '${values.ramp}'`);
    profile = rampProfile(int(values.listeners, 'listeners', D.listeners, D.maxListeners), ramp, values.duration ? parseDuration(values.duration) : D.durationS);
    try { validateProfile(profile); } catch (err) { throw new UsageError((err as Error).message); }
  }
  const password = values.password ?? env.TRIBUNE_LOADTEST_PASSWORD;
  if (values.user && !password) throw new UsageError('--user needs --password (or TRIBUNE_LOADTEST_PASSWORD)');
  if (!values.space && !values.create && !values.user) throw new UsageError('name the Space: --space <id>, --create, or --user/--password');
  const hasHost = Boolean(values.create || values.user);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  const options: LoadtestOptions = {
    target, allowRemote: values['allow-remote'] ?? false,
    spaceId: values.space, create: values.create ?? false, handle: values.user, password,
    profile,
    whepListeners: int(values.whep, 'whep', D.whepListeners, D.maxPeers),
    speakers: int(values.speakers, 'speakers', hasHost ? D.speakers : 0, D.maxPeers),
    speech: values.speech,
    askers: int(values.askers, 'askers', attack ? A.askers : D.askers, D.maxAccounts),
    voters: int(values.voters, 'voters', attack ? A.voters : D.voters, D.maxAccounts),
    tappers: int(values.tappers, 'tappers', D.tappers, D.maxListeners),
    tapIntervalMs: Math.max(50, int(values['tap-interval'], 'tap-interval', D.tapIntervalMs)),
    heartbeats: values.heartbeats ?? D.heartbeats,
    collapse: !(values['no-collapse'] ?? !D.collapse),
    spoofForwardedFor: values['spoof-forwarded-for'] ?? D.spoofForwardedFor,
    maxSockets: Math.max(1, int(values['max-sockets'], 'max-sockets', D.maxSockets, 65_000)),
    playerBufferMs: int(values['player-buffer'], 'player-buffer', D.playerBufferMs, 60_000),
    requestTimeoutMs: D.requestTimeoutMs,
    metricsIntervalMs: D.metricsIntervalMs,
    reportDir: values['no-report'] ? undefined : values['report-dir'] ?? `loadtest-${stamp}`,
    metricsUrl: values.metrics, metricsToken: env.TRIBUNE_METRICS_TOKEN, attack,
    browsers: int(values.browsers, 'browsers', 0, MAX_BROWSER_PLAYERS), chromiumPath: values.chromium,
  };
  if (values.metrics) { try { new URL(values.metrics); } catch { throw new UsageError(`--metrics: not a URL: '${values.metrics}'`); } }
  if (attack && options.allowRemote) throw new UsageError('--profile attack floods loopback targets only: --allow-remote does not apply to it');
  if (attack && !hasHost) throw new UsageError('--profile attack needs the host (for the speaker and the WHIP probe): --create or --user/--password');
  if (options.speakers > 0 && !hasHost) throw new UsageError('--speakers needs the host: --create or --user/--password');
  return { options, plain: values.plain ?? false, help: false };
}

export async function loadtest(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseLoadtestFlags>;
  try {
    parsed = parseLoadtestFlags(argv);
  } catch (err) {
    process.stderr.write(`tribune loadtest: ${(err as Error).message}\nRun 'tribune loadtest --help' for the options.\n`);
    return 2;
  }
  if (parsed.help) { process.stdout.write(LOADTEST_HELP); return 0; }
  const view = new LiveView(process.stdout, parsed.plain ? false : Boolean(process.stdout.isTTY));
  const abort = new AbortController();
  const onSigint = (): void => abort.abort();
  process.once('SIGINT', onSigint);
  try {
    const report = await runLoadtest(parsed.options, { onTick: (s) => view.draw(s), signal: abort.signal });
    process.stdout.write(renderSummary(report));
    if (parsed.options.reportDir) {
      const files = await writeReport(report, parsed.options.reportDir);
      process.stdout.write(`report: ${files.json}\n        ${files.html}\n`);
    }
    return 0;
  } catch (err) {
    if ((err as { code?: string }).code === 'TARGET_NOT_LOOPBACK') {
      process.stderr.write(`tribune loadtest: ${(err as Error).message}\n`);
      return 2;
    }
    // The target refused to set up the Space: say why, without a stack trace.
    if ((err as Error).name === 'SetupError') {
      process.stderr.write(`tribune loadtest: ${(err as Error).message}\n`);
      return 1;
    }
    throw err;
  } finally {
    process.off('SIGINT', onSigint);
    // libdatachannel's threads keep the process alive after the last peer closed.
    ndc.cleanup();
  }
}
