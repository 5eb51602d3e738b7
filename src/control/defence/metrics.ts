import { Counter, Gauge } from 'prom-client';
import { registry } from '../../observability/metrics.js';

export const defenceMetrics = {
  refusals: new Counter({
    name: 'tribune_refusals_total',
    help: 'Requests refused by a defence, by layer (origin-shedding, proof-of-work, rate-limit, admission) and reason.',
    labelNames: ['layer', 'reason'] as const,
    registers: [registry],
  }),
  pressure: new Gauge({ name: 'tribune_pressure_level', help: 'Load-shedding level: 0 calm, 1 anonymous writes shed, 2 joins too, 3 all writes.', registers: [registry] }),
  underAttack: new Gauge({ name: 'tribune_under_attack', help: '1 while under-attack mode asks anonymous writes for a proof of work.', registers: [registry] }),
};
