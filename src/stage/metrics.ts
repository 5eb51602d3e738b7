import { Counter, Gauge, Histogram } from 'prom-client';
import { registry } from '../observability/metrics.js';

/** Stage media metrics, declared once on the process registry (see observability/metrics.ts). */
export const stageMetrics = {
  sessions: new Gauge({
    name: 'tribune_stage_sessions',
    help: 'Open WebRTC sessions on this origin, by kind (whip, whep).',
    labelNames: ['kind'] as const,
    registers: [registry],
  }),
  sessionsRejected: new Counter({
    name: 'tribune_stage_sessions_rejected_total',
    help: 'WHIP/WHEP session creations refused, by reason (rate, capacity, sdp, auth, active).',
    labelNames: ['reason'] as const,
    registers: [registry],
  }),
  sessionProbes: new Counter({
    name: 'tribune_stage_session_probes_total',
    help: 'GETs of a WHIP/WHEP session resource (clients checking their origin), by kind and answer (held, moving, gone); a burst of gone is clients noticing a move, moving is a drain handing their sessions over.',
    labelNames: ['kind', 'answer'] as const,
    registers: [registry],
  }),
  packetsDropped: new Counter({
    name: 'tribune_stage_packets_dropped_total',
    help: 'Inbound packets dropped before decoding, by reason (malformed, payload-type, late, duplicate, decode, stun-unknown).',
    labelNames: ['reason'] as const,
    registers: [registry],
  }),
  packetsReceived: new Counter({
    name: 'tribune_stage_rtp_received_total',
    help: 'Valid inbound Opus RTP packets accepted into a jitter buffer.',
    registers: [registry],
  }),
  framesConcealed: new Counter({
    name: 'tribune_stage_frames_concealed_total',
    help: '20 ms frames synthesized by packet loss concealment (lost or late packets).',
    registers: [registry],
  }),
  framesMixed: new Counter({
    name: 'tribune_stage_frames_mixed_total',
    help: 'Program frames produced by all mixers.',
    registers: [registry],
  }),
  framesSkipped: new Counter({
    name: 'tribune_stage_frames_skipped_total',
    help: 'Frames the mixer clock skipped because the event loop stalled for longer than the catch-up window.',
    registers: [registry],
  }),
  packetsSent: new Counter({
    name: 'tribune_stage_rtp_sent_total',
    help: 'RTP packets handed to WebRTC for WHEP listeners.',
    registers: [registry],
  }),
  tickLateness: new Histogram({
    name: 'tribune_stage_mixer_tick_lateness_seconds',
    help: 'How late the mixer tick ran against its 20 ms schedule.',
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1],
    registers: [registry],
  }),
  seatTimeouts: new Counter({
    name: 'tribune_stage_seat_timeouts_total',
    help: 'Publishing sessions ended because media stopped arriving or ICE failed.',
    registers: [registry],
  }),
} as const;
