import { randomInt } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import opus from '@discordjs/opus';
import ndc from 'node-datachannel';
import { writeRtp } from '../stage/rtp.js';
import type { SessionEventSource } from './client-events.js';
import { CLIENT_DEFAULTS, RECONNECT_DEFAULTS } from './defaults.js';
import { KeptSession, type ReconnectCounters, type ReconnectOption } from './kept-session.js';
import { firstSession, negotiate, newPeer } from './signalling.js';
import type { FrameSource } from './audio-sources.js';

export interface PublishWhipOptions {
  /** The WHIP endpoint, e.g. http://127.0.0.1:8080/api/v1/spaces/<id>/whip */
  readonly url: string;
  /** A session token or a stage token (tkst_…). */
  readonly bearer: string;
  /** 960-sample 48 kHz mono frames: pulled one per 20 ms tick; an async source ending stops the audio. */
  readonly source: AsyncIterable<Int16Array> | FrameSource;
  readonly signal?: AbortSignal;
  readonly bitrate?: number;
  readonly connectTimeoutMs?: number;
  /**
   * Republish by itself when the session is lost (its origin died or drained): on by default, for
   * at most `withinMs` per loss (RECONNECT_DEFAULTS). `false`: no probe, only the peer's own state
   * tells a loss, and a lost session stays lost.
   */
  readonly reconnect?: ReconnectOption;
}

export interface PublisherStats extends ReconnectCounters {
  readonly state: 'connected' | 'reconnecting' | 'ended' | 'closed' | 'failed';
  readonly connectMs: number;
  readonly packetsSent: number;
  readonly bytesSent: number;
  /** Ticks with no frame ready (an async source that was too slow): silence is not sent for them. */
  readonly underruns: number;
  /** Frames dropped because the event loop was late by more than maxCatchUpFrames. */
  readonly framesSkipped: number;
  /** Frames of the source that went nowhere while republishing (a live source does not wait). */
  readonly framesWhileDown: number;
}

export interface WhipPublisher extends SessionEventSource {
  /** The current session resource; it changes when the publisher republishes. */
  readonly location: string | undefined;
  stats(): PublisherStats;
  /** Idempotent: stops the clock, DELETEs the session, closes the peer. */
  close(): Promise<void>;
}

/**
 * Publishes Opus over WHIP from node: libdatachannel for ICE/DTLS/SRTP, libopus to encode, and our
 * own 20 ms clock. The clock is drift-free (frame n is due at start + 20n ms) so the server's jitter
 * buffer sees a steady speaker even when timers fire late.
 */
export async function publishWhip(options: PublishWhipOptions): Promise<WhipPublisher> {
  const d = CLIENT_DEFAULTS;
  const started = performance.now();
  // One SSRC and one RTP clock across republishing: the stream goes on, only the session is new.
  const ssrc = randomInt(1, 0xffff_fffe);
  const connect = async (connectTimeoutMs: number, signal?: AbortSignal) => {
    const pc = newPeer('whip');
    const audio = new ndc.Audio('0', 'SendOnly');
    audio.addOpusCodec(d.opusPayloadType);
    audio.addSSRC(ssrc, 'tribune-client', 'tribune-client', 'tribune-client-audio');
    const track = pc.addTrack(audio);
    const location = await negotiate(pc, track, {
      url: options.url, bearer: options.bearer, connectTimeoutMs, requestTimeoutMs: d.requestTimeoutMs, signal,
    });
    return { pc, track, location };
  };
  const kept = new KeptSession(await firstSession(connect, options.connectTimeoutMs ?? d.connectTimeoutMs, options.signal), connect, {
    bearer: options.bearer, reconnect: options.reconnect, signal: options.signal, keepSendingWhileMoving: true, probeIntervalMs: RECONNECT_DEFAULTS.publisherProbeIntervalMs,
  });
  const connectMs = performance.now() - started;
  const encoder = new opus.OpusEncoder(d.sampleRate, 1);
  encoder.setBitrate(options.bitrate ?? d.bitrate);
  const next = frameReader(options.source, d.readAhead);
  let ended = false;
  let sendFailed = false;
  let packetsSent = 0;
  let bytesSent = 0;
  let underruns = 0;
  let framesSkipped = 0;
  let framesWhileDown = 0;
  let sequence = randomInt(0, 0xffff);
  let timestamp = randomInt(0, 0xffff_ffff);
  let clockStart = performance.now();
  let tick = 0;
  let timer: NodeJS.Timeout | undefined;
  const state = (): PublisherStats['state'] => {
    if (kept.state === 'closed') return 'closed';
    if (sendFailed || kept.state === 'failed') return 'failed';
    if (ended) return 'ended';
    return kept.state;
  };

  const sendDue = (): void => {
    if (ended || sendFailed || kept.state === 'closed' || kept.state === 'failed') return;
    const due = Math.floor((performance.now() - clockStart) / d.frameMs) + 1;
    if (due - tick > d.maxCatchUpFrames) {
      // Far behind (a paused process): skip ahead rather than burst seconds of audio.
      const skipped = due - tick - 1;
      framesSkipped += skipped;
      timestamp = (timestamp + skipped * d.frameSamples) >>> 0;
      clockStart = performance.now();
      tick = 0;
    }
    const target = Math.max(tick + 1, Math.floor((performance.now() - clockStart) / d.frameMs) + 1);
    while (tick < target) {
      tick += 1;
      const frame = next();
      if (frame === 'ended') { ended = true; return; }
      // During a move, the same packet to both sessions: each origin's mix has the voice.
      const sessions = kept.carrying;
      if (frame === 'empty') underruns += 1;
      else if (sessions.length === 0) framesWhileDown += 1;
      else {
        const pcm = Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
        const packet = writeRtp(d.opusPayloadType, sequence, timestamp, ssrc, encoder.encode(pcm));
        for (const { track } of sessions) {
          try {
            if (track.sendMessageBinary(packet)) { packetsSent += 1; bytesSent += packet.length; }
          } catch {
            // A track torn down under us is a lost session the watch reports; without republishing it is final.
            if (options.reconnect === false) { sendFailed = true; return; }
          }
        }
      }
      sequence = (sequence + 1) & 0xffff;
      timestamp = (timestamp + d.frameSamples) >>> 0;
    }
    const wait = clockStart + tick * d.frameMs - performance.now();
    timer = setTimeout(sendDue, Math.max(0, wait));
  };
  sendDue();

  const close = async (): Promise<void> => {
    if (timer) clearTimeout(timer);
    await kept.close();
  };
  options.signal?.addEventListener('abort', () => void close(), { once: true });
  return {
    get location() { return kept.location; },
    stats: () => ({ state: state(), connectMs, packetsSent, bytesSent, underruns, framesSkipped, framesWhileDown, ...kept.counters() }),
    close,
    on: (event, listener) => kept.events.on(event, listener),
    off: (event, listener) => kept.events.off(event, listener),
  };
}

/** Adapts either source kind to a synchronous read: a frame, 'empty' (not ready yet) or 'ended'. */
function frameReader(source: AsyncIterable<Int16Array> | FrameSource, readAhead: number): () => Int16Array | 'empty' | 'ended' {
  if (typeof source === 'function') return source;
  const iterator = source[Symbol.asyncIterator]();
  const queue: Int16Array[] = [];
  let ended = false;
  let pulling = false;
  const pull = (): void => {
    if (pulling || ended || queue.length >= readAhead) return;
    pulling = true;
    iterator.next().then((r) => {
      pulling = false;
      if (r.done) ended = true;
      else { queue.push(r.value); pull(); }
    }, () => { pulling = false; ended = true; });
  };
  pull();
  return () => {
    const frame = queue.shift();
    pull();
    if (frame) return frame;
    return ended ? 'ended' : 'empty';
  };
}
