import { randomInt } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import opus from '@discordjs/opus';
import ndc from 'node-datachannel';
import { writeRtp } from '../stage/rtp.js';
import { CLIENT_DEFAULTS } from './defaults.js';
import { closePeer, deleteSession, negotiate, newPeer } from './signalling.js';
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
}

export interface PublisherStats {
  readonly state: 'connected' | 'ended' | 'closed' | 'failed';
  readonly connectMs: number;
  readonly packetsSent: number;
  readonly bytesSent: number;
  /** Ticks with no frame ready (an async source that was too slow): silence is not sent for them. */
  readonly underruns: number;
  /** Frames dropped because the event loop was late by more than maxCatchUpFrames. */
  readonly framesSkipped: number;
}

export interface WhipPublisher {
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
  const pc = newPeer('whip');
  const ssrc = randomInt(1, 0xffff_fffe);
  const audio = new ndc.Audio('0', 'SendOnly');
  audio.addOpusCodec(d.opusPayloadType);
  audio.addSSRC(ssrc, 'tribune-client', 'tribune-client', 'tribune-client-audio');
  const track = pc.addTrack(audio);
  const location = await negotiate(pc, track, {
    url: options.url, bearer: options.bearer, connectTimeoutMs: options.connectTimeoutMs ?? d.connectTimeoutMs,
    requestTimeoutMs: d.requestTimeoutMs, signal: options.signal,
  });
  const connectMs = performance.now() - started;
  const encoder = new opus.OpusEncoder(d.sampleRate, 1);
  encoder.setBitrate(options.bitrate ?? d.bitrate);
  const next = frameReader(options.source, d.readAhead);
  let state: PublisherStats['state'] = 'connected';
  let packetsSent = 0;
  let bytesSent = 0;
  let underruns = 0;
  let framesSkipped = 0;
  let sequence = randomInt(0, 0xffff);
  let timestamp = randomInt(0, 0xffff_ffff);
  let clockStart = performance.now();
  let tick = 0;
  let timer: NodeJS.Timeout | undefined;

  const sendDue = (): void => {
    if (state !== 'connected') return;
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
      if (frame === 'ended') { state = 'ended'; return; }
      if (frame !== 'empty') {
        const pcm = Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
        const packet = writeRtp(d.opusPayloadType, sequence, timestamp, ssrc, encoder.encode(pcm));
        try {
          if (track.sendMessageBinary(packet)) { packetsSent += 1; bytesSent += packet.length; }
        } catch {
          state = 'failed';
          return;
        }
      } else {
        underruns += 1;
      }
      sequence = (sequence + 1) & 0xffff;
      timestamp = (timestamp + d.frameSamples) >>> 0;
    }
    const wait = clockStart + tick * d.frameMs - performance.now();
    timer = setTimeout(sendDue, Math.max(0, wait));
  };
  pc.onStateChange((s) => { if ((s === 'failed' || s === 'closed') && state === 'connected') state = 'failed'; });
  sendDue();

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      if (state === 'connected' || state === 'ended') state = 'closed';
      if (timer) clearTimeout(timer);
      await deleteSession(location, options.bearer, d.requestTimeoutMs);
      closePeer(pc);
    })();
    return closing;
  };
  options.signal?.addEventListener('abort', () => void close(), { once: true });
  return {
    location,
    stats: () => ({ state, connectMs, packetsSent, bytesSent, underruns, framesSkipped }),
    close,
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
