import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram } from 'prom-client';
import { registry } from '../observability/metrics.js';

/** Control plane metrics, declared once on the process registry. */
export const controlMetrics = {
  requests: new Histogram({
    name: 'tribune_http_request_duration_seconds',
    help: 'HTTP request durations by route pattern, method and status class.',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 2.5, 10],
    registers: [registry],
  }),
  errors: new Counter({
    name: 'tribune_http_errors_total',
    help: 'Error answers by catalogue code.',
    labelNames: ['code'] as const,
    registers: [registry],
  }),
  liveChannelClients: new Gauge({
    name: 'tribune_live_channel_clients',
    help: 'Open stage WebSockets (hosts, speakers, moderators).',
    registers: [registry],
  }),
  spaceTransitions: new Counter({
    name: 'tribune_space_transitions_total',
    help: 'Spaces started, ended and cancelled.',
    labelNames: ['transition'] as const,
    registers: [registry],
  }),
  heartbeats: new Counter({ name: 'tribune_listener_heartbeats_total', help: 'Listener heartbeats accepted.', registers: [registry] }),
  reactions: new Counter({ name: 'tribune_reactions_total', help: 'Reactions accepted (before coalescing).', registers: [registry] }),
  questions: new Counter({ name: 'tribune_questions_total', help: 'Questions submitted.', registers: [registry] }),
};

/** Times every request by its route pattern (not its URL, which would explode the label space). */
export function instrument(app: FastifyInstance): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    controlMetrics.requests.observe(
      { route, method: request.method, status: `${Math.floor(reply.statusCode / 100)}xx` },
      reply.elapsedTime / 1000,
    );
  });
}
