import { Counter, Gauge, Histogram } from 'prom-client';
import { registry } from '../observability/metrics.js';

/** Audience plane metrics, declared once at module scope on the process registry. */
export const audienceMetrics = {
  partsProduced: new Counter({
    name: 'tribune_audience_parts_produced_total',
    help: 'LL-HLS partial segments produced (all Spaces)',
    registers: [registry],
  }),
  segmentsProduced: new Counter({
    name: 'tribune_audience_segments_produced_total',
    help: 'LL-HLS segments completed (all Spaces)',
    registers: [registry],
  }),
  segmentStreams: new Counter({
    name: 'tribune_audience_segment_streams_total',
    help: 'Segments sent while being produced (one response each, parts as they are made)',
    registers: [registry],
  }),
  playlistRequests: new Counter({
    name: 'tribune_audience_playlist_requests_total',
    help: 'Playlist requests by kind (multivariant, live, blocking, delta, replay)',
    labelNames: ['kind'] as const,
    registers: [registry],
  }),
  blockingWaiting: new Gauge({
    name: 'tribune_audience_blocking_requests_waiting',
    help: 'Blocking playlist reloads and preload-hinted part requests being held',
    registers: [registry],
  }),
  bytesServed: new Counter({
    name: 'tribune_audience_bytes_served_total',
    help: 'Media bytes served by kind (init, part, segment, playlist, recording)',
    labelNames: ['kind'] as const,
    registers: [registry],
  }),
  recordingWriteFailures: new Counter({
    name: 'tribune_audience_recording_write_failures_total',
    help: 'Failed writes of recording files (disk full, permissions)',
    registers: [registry],
  }),
  sharedRecordingWrites: new Histogram({
    name: 'tribune_audience_shared_recording_write_seconds',
    help: 'Writes to the shared recording store (cluster mode) by kind (start, reserve, segment, end, captions), until durable',
    labelNames: ['kind'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  }),
};
