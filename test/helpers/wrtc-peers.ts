import { after } from 'node:test';
import wrtc from '@roamhq/wrtc';
import type { FastifyInstance } from 'fastify';

const RATE = 48_000;
const CHUNK = 480; // wrtc's RTCAudioSource takes 10 ms frames.

export interface HttpResult {
  readonly status: number;
  readonly headers: Record<string, string | string[] | number | undefined>;
  readonly body: string;
}

export async function postSdp(app: FastifyInstance, url: string, sdp: string, bearer?: string, contentType = 'application/sdp'): Promise<HttpResult> {
  const res = await app.inject({
    method: 'POST', url, payload: sdp,
    headers: { 'content-type': contentType, ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
  });
  return { status: res.statusCode, headers: res.headers, body: res.body };
}

async function gatheredOffer(pc: wrtc.RTCPeerConnection): Promise<string> {
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise<void>((resolve) => {
    if (pc.iceGatheringState === 'complete') return resolve();
    pc.addEventListener('icegatheringstatechange', () => { if (pc.iceGatheringState === 'complete') resolve(); });
  });
  return pc.localDescription!.sdp;
}

/** A WHIP publisher sending a continuous sine at `frequency` (amplitude as a fraction of full scale). */
export class TonePublisher {
  readonly pc = new wrtc.RTCPeerConnection();
  readonly #source = new wrtc.nonstandard.RTCAudioSource();
  readonly #track = this.#source.createTrack();
  #timer: NodeJS.Timeout | undefined;
  #phase = 0;
  location = '';

  constructor(readonly frequency: number, readonly amplitude = 0.2) {
    this.pc.addTransceiver(this.#track, { direction: 'sendonly' });
  }

  async offer(): Promise<string> {
    this.#start();
    return gatheredOffer(this.pc);
  }

  async publish(app: FastifyInstance, spaceId: string, bearer: string): Promise<HttpResult> {
    const res = await postSdp(app, `/api/v1/spaces/${spaceId}/whip`, await this.offer(), bearer);
    if (res.status === 201) {
      this.location = String(res.headers['location']);
      await this.pc.setRemoteDescription({ type: 'answer', sdp: res.body });
    }
    return res;
  }

  /** Feeds 10 ms chunks on a drift-free schedule so the sender never starves. */
  #start(): void {
    const start = performance.now();
    let sent = 0;
    const pump = (): void => {
      const due = Math.floor((performance.now() - start) / 10) + 1;
      while (sent < due) {
        const samples = new Int16Array(CHUNK);
        for (let i = 0; i < CHUNK; i++) {
          samples[i] = Math.round(this.amplitude * 32767 * Math.sin(this.#phase));
          this.#phase += (2 * Math.PI * this.frequency) / RATE;
        }
        this.#phase %= 2 * Math.PI;
        this.#source.onData({ samples, sampleRate: RATE, bitsPerSample: 16, channelCount: 1, numberOfFrames: CHUNK });
        sent += 1;
      }
      this.#timer = setTimeout(pump, 5);
    };
    pump();
  }

  close(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#track.stop();
    this.pc.close();
  }
}

/** A WHEP listener keeping the last few seconds of decoded audio. */
export class ListenerPeer {
  readonly pc = new wrtc.RTCPeerConnection();
  #sink: { stop(): void; ondata: unknown } | undefined;
  readonly #ring = new Int16Array(RATE * 4);
  #written = 0;
  location = '';

  constructor() {
    this.pc.addTransceiver('audio', { direction: 'recvonly' });
    this.pc.addEventListener('track', (event: unknown) => {
      const sink = new wrtc.nonstandard.RTCAudioSink((event as { track: never }).track);
      sink.ondata = (data: { samples: Int16Array; channelCount: number; numberOfFrames: number }) => this.#onData(data);
      this.#sink = sink as unknown as { stop(): void; ondata: unknown };
    });
  }

  get samplesReceived(): number {
    return this.#written;
  }

  async listen(app: FastifyInstance, spaceId: string, bearer?: string): Promise<HttpResult> {
    const res = await postSdp(app, `/api/v1/spaces/${spaceId}/whep`, await gatheredOffer(this.pc), bearer);
    if (res.status === 201) {
      this.location = String(res.headers['location']);
      await this.pc.setRemoteDescription({ type: 'answer', sdp: res.body });
    }
    return res;
  }

  /** The last `ms` of received audio (mono). */
  recent(ms: number): Int16Array {
    const n = Math.min(this.#written, Math.floor((RATE * ms) / 1000), this.#ring.length);
    const out = new Int16Array(n);
    for (let i = 0; i < n; i++) out[i] = this.#ring[(this.#written - n + i) % this.#ring.length]!;
    return out;
  }

  #onData(data: { samples: Int16Array; channelCount: number; numberOfFrames: number }): void {
    const channels = data.channelCount || 1;
    for (let i = 0; i < data.numberOfFrames; i++) {
      this.#ring[this.#written % this.#ring.length] = data.samples[i * channels]!;
      this.#written += 1;
    }
  }

  close(): void {
    this.#sink?.stop();
    this.pc.close();
  }
}

/**
 * @roamhq/wrtc's RTCAudioSource keeps the process alive until its track is stopped, and a stopped
 * one segfaults in native teardown at a natural exit (reproduced with wrtc alone, no Tribune code).
 * process.exit() skips that teardown, so test files using TonePublisher end with it; the test
 * runner has set process.exitCode by then, so failures still fail.
 */
export function exitAfterTests(): void {
  after(() => {
    setTimeout(() => process.exit(), 100).unref();
  });
}
