import { Counter } from 'prom-client';
import { registry } from '../observability/metrics.js';

/** Trust & safety activity, for dashboards and alerts (a surge of notices during a live Space). */
export const trustSafetyMetrics = {
  notices: new Counter({ name: 'tribune_notices_total', help: 'Notices received, by category and whether a trusted flagger sent them.', labelNames: ['category', 'trusted'] as const, registers: [registry] }),
  decisions: new Counter({ name: 'tribune_moderation_decisions_total', help: 'Moderation decisions, by action.', labelNames: ['action'] as const, registers: [registry] }),
  appeals: new Counter({ name: 'tribune_appeals_total', help: 'Appeals lodged and answered, by outcome (open when lodged).', labelNames: ['outcome'] as const, registers: [registry] }),
};
