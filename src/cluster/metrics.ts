import { Counter, Histogram } from 'prom-client';
import { registry } from '../observability/metrics.js';

/** What an operator reads of failovers on an origin (docs/cluster.md, "Two origins for every Space"). */
export const clusterMetrics = {
  handOvers: new Counter({
    name: 'tribune_cluster_hand_overs_total',
    help: 'Spaces this origin handed to their standby on a drain, by outcome (moved: every client moved first; timed-out: some had not after 4 s and came back as after a loss).',
    labelNames: ['outcome'] as const,
    registers: [registry],
  }),
  handOverSeconds: new Histogram({
    name: 'tribune_cluster_hand_over_seconds',
    help: 'From the lease passed to the standby to the last client moved (or the bound), per Space handed over.',
    buckets: [0.1, 0.25, 0.5, 1, 2, 4, 8],
    registers: [registry],
  }),
  promotions: new Counter({
    name: 'tribune_cluster_promotions_total',
    help: 'Spaces this origin took over as their standby, by what preceded (hand-over: the primary relayed its last frame; loss: its programme stopped).',
    labelNames: ['after'] as const,
    registers: [registry],
  }),
  concealedSeconds: new Histogram({
    name: 'tribune_cluster_takeover_concealed_seconds',
    help: 'Silence put on the timeline while this origin took a Space over: what its listeners heard missing (0 for a hand-over).',
    buckets: [0, 0.02, 0.1, 0.25, 0.5, 1, 2, 5],
    registers: [registry],
  }),
};
