import { parseArgs } from 'node:util';
import { isLoopbackUrl } from '../loadtest/target.js';
import { checkTarget, computePlan, DEFAULT_BEHAVIOUR, DELIVERIES, measuredCapacities, renderPlan, type Behaviour, type Delivery } from '../preflight/index.js';

export const PREFLIGHT_HELP = `tribune preflight — how many machines an event needs, from measured per-node capacities

Usage: tribune preflight --expect <listeners> [options]

  --expect <n>            Expected peak audience (required), e.g. 1500000
  --spaces <n>            Live Spaces at the same time                    [default 1]
  --headroom <x>          Size for expected x headroom                    [default 1.5]
  --delivery <mode>       How players fetch the audio (config audience.delivery)  [default parts]
                          parts: for each 400 ms part a blocking playlist reload and the part,
                            two requests; any edge or CDN serves it
                          segment-streams: each 2 s segment in one request the origin streams while
                            producing it, a real playlist reload every third segment; needs an edge
                            that shares a streaming fill (nginx + Varnish, tribune edge-config
                            --stream-cache, or a CDN that does): docs/edge.md
  --results <dir>         Benchmark results to read (written by 'npm run bench') [default bench/results]
  --from <report.json>    A 'tribune loadtest' report: its measured figures replace the defaults
  --join-seconds <s>      The audience arrives over this many seconds     [default ${DEFAULT_BEHAVIOUR.joinStormSeconds.value}]
  --whep-share <0..1>     Share of the audience on WHEP instead of LL-HLS [default ${DEFAULT_BEHAVIOUR.whepShare.value}]
  --event-hours <h>       Length of the event                             [default ${DEFAULT_BEHAVIOUR.eventSeconds.value / 3600}]
  --target <url>          Also check a running deployment: /healthz, /readyz, /metrics (three GETs);
                          loopback only unless --allow-remote
  --allow-remote          Accept a non-loopback --target
  --json                  Print the plan as JSON instead of text
  -h, --help              This help

Every figure the plan uses is printed with its source: a benchmark result file, a loadtest report,
or a documented default (docs/benchmarks.md, a measurement, or an assumption, said as such).
Exit status: 0 plan printed (and the target passed its checks), 1 the target check warned, 2 usage.

Examples:
  tribune preflight --expect 1500000
  tribune preflight --expect 1500000 --delivery segment-streams
  tribune preflight --expect 1500000 --spaces 3 --from loadtest-2026-11-22/report.json
  tribune preflight --expect 20000 --target http://localhost:8080
`;

const OPTIONS = {
  expect: { type: 'string' }, spaces: { type: 'string' }, headroom: { type: 'string' }, delivery: { type: 'string' }, results: { type: 'string' },
  from: { type: 'string' }, 'join-seconds': { type: 'string' }, 'whep-share': { type: 'string' }, 'event-hours': { type: 'string' },
  target: { type: 'string' }, 'allow-remote': { type: 'boolean' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
} as const;

function number(raw: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!Number.isFinite(v) || v < min || v > max) throw new Error(`--${name} must be a number from ${min} to ${max}, got '${raw}'`);
  return v;
}

const isDelivery = (raw: string): raw is Delivery => (DELIVERIES as readonly string[]).includes(raw);

export async function preflight(argv: string[]): Promise<number> {
  let values;
  let input;
  try {
    ({ values } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }));
    if (values.help) { process.stdout.write(PREFLIGHT_HELP); return 0; }
    if (values.expect === undefined) throw new Error('--expect <listeners> is required');
    const behaviour: Behaviour = {
      ...DEFAULT_BEHAVIOUR,
      ...(values['join-seconds'] ? { joinStormSeconds: { value: number(values['join-seconds'], 'join-seconds', 300, 1, 86_400), unit: 's', source: '--join-seconds' } } : {}),
      ...(values['whep-share'] ? { whepShare: { value: number(values['whep-share'], 'whep-share', 0, 0, 1), unit: 'share', source: '--whep-share' } } : {}),
      ...(values['event-hours'] ? { eventSeconds: { value: number(values['event-hours'], 'event-hours', 2, 0.1, 72) * 3600, unit: 's', source: '--event-hours' } } : {}),
    };
    const delivery = values.delivery ?? 'parts';
    if (!isDelivery(delivery)) throw new Error(`--delivery must be ${DELIVERIES.join(' or ')}, got '${delivery}'`);
    if (values.target && !values['allow-remote'] && !isLoopbackUrl(values.target)) throw new Error(`--target ${values.target} is not loopback; pass --allow-remote for a deployment you operate`);
    input = {
      expectedListeners: Math.round(number(values.expect, 'expect', 0, 0, 1e9)),
      spaces: Math.round(number(values.spaces, 'spaces', 1, 1, 10_000)),
      headroom: number(values.headroom, 'headroom', 1.5, 1, 100),
      delivery,
      behaviour,
    };
  } catch (err) {
    process.stderr.write(`tribune preflight: ${(err as Error).message}\nRun 'tribune preflight --help' for the options.\n`);
    return 2;
  }
  const { capacities, used } = measuredCapacities({ resultsDir: values.results ?? 'bench/results', report: values.from });
  const plan = computePlan({ ...input, capacities });
  const whepRow = plan.rows.find((r) => r.item === 'listeners planned for');
  const originRps = plan.rows.find((r) => r.item === 'requests at each Space origin')?.value ?? 0;
  const check = values.target
    ? await checkTarget(values.target, { whepPerOrigin: Math.min(capacities.whepListenersPerOrigin.value, (whepRow?.value ?? 0) * input.behaviour.whepShare.value), originRps })
    : undefined;
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ plan, capacities, behaviour: input.behaviour, measured: used, target: check }, null, 2)}\n`);
  } else {
    process.stdout.write(renderPlan(plan, capacities, input.behaviour));
    if (used.length) process.stdout.write(`\nMeasured figures used:\n${used.map((u) => `  ${u}`).join('\n')}\n`);
    if (check) {
      process.stdout.write(`\nTARGET ${values.target}\n${check.findings.map((f) => `  ${f}`).join('\n')}\n`);
      for (const w of check.warnings) process.stdout.write(`  ! ${w}\n`);
      if (check.ok) process.stdout.write('  no problem found\n');
    }
  }
  return check && !check.ok ? 1 : 0;
}
