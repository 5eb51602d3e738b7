import { Registry, collectDefaultMetrics } from 'prom-client';

/**
 * One registry for the process. Each plane declares its own metrics in its own module, on this
 * registry, once (module scope): a metric is a fact about the process, not about one server object.
 */
export const registry = new Registry();
registry.setDefaultLabels({ service: 'tribune' });
collectDefaultMetrics({ register: registry, prefix: 'tribune_' });
