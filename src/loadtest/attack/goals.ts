/** One goal of the night of the attack, measured, with its verdict. */
export interface GoalVerdict {
  readonly goal: string;
  /** The target in words with its unit, e.g. "0 stalls", ">= 99 %". */
  readonly target: string;
  /** The measured figure in words with its unit. */
  readonly measured: string;
  readonly verdict: 'PASS' | 'FAIL' | 'NO DATA';
}

export interface GoalInputs {
  /** Stalls from the start of the flood to the end of the run, and the listeners who had them. */
  readonly stallsSinceFlood: number;
  readonly listenersWithStallsSinceFlood: number;
  readonly listenersPlaying: number;
  readonly honestAttempted: number;
  readonly honestAccepted: number;
  /** Seconds (ticks) from the flood's start on in which fewer speakers were on air than before it. */
  readonly secondsOffAir: number;
  readonly probesOk: number;
  readonly probesFailed: number;
  readonly rssMBPeak: number | null;
  readonly rssLimitMB: number;
}

export const HONEST_WRITES_GOAL_PCT = 99;

const n = (x: number): string => x.toLocaleString('en-US');

/** The four goals of issue "the night of the attack": the audience listens, the host speaks, questions get through, memory holds. */
export function evaluateGoals(g: GoalInputs): GoalVerdict[] {
  const pct = g.honestAttempted > 0 ? (100 * g.honestAccepted) / g.honestAttempted : null;
  const probes = g.probesOk + g.probesFailed;
  return [
    {
      goal: 'Listeners never stall', target: '0 stalls',
      measured: `${n(g.stallsSinceFlood)} stalls (${n(g.listenersWithStallsSinceFlood)} of ${n(g.listenersPlaying)} listeners)`,
      verdict: g.listenersPlaying === 0 ? 'NO DATA' : g.stallsSinceFlood === 0 ? 'PASS' : 'FAIL',
    },
    {
      goal: 'Honest writes accepted', target: `>= ${HONEST_WRITES_GOAL_PCT} %`,
      measured: pct === null ? 'no honest write sent' : `${pct.toFixed(1)} % (${n(g.honestAccepted)} of ${n(g.honestAttempted)})`,
      verdict: pct === null ? 'NO DATA' : pct >= HONEST_WRITES_GOAL_PCT ? 'PASS' : 'FAIL',
    },
    {
      goal: 'The host on air throughout', target: 'speaker never dropped, every WHIP probe connects',
      measured: `${n(g.secondsOffAir)} s off air; ${n(g.probesOk)} of ${n(probes)} probes connected`,
      verdict: probes === 0 ? 'NO DATA' : g.secondsOffAir === 0 && g.probesFailed === 0 ? 'PASS' : 'FAIL',
    },
    {
      goal: 'Origin memory bounded', target: `RSS <= ${n(g.rssLimitMB)} MB`,
      measured: g.rssMBPeak === null ? 'not scraped' : `peak ${n(Math.round(g.rssMBPeak))} MB`,
      verdict: g.rssMBPeak === null ? 'NO DATA' : g.rssMBPeak <= g.rssLimitMB ? 'PASS' : 'FAIL',
    },
  ];
}
