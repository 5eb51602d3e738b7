import { listenWhep, publishWhip, type WhepListener, type WhipPublisher } from '../clients/index.js';
import { espeakSource, toneSource, type FrameSource } from '../clients/audio-sources.js';
import { Counter, Samples } from './stats.js';

/** Speakers publishing over WHIP and listeners on WHEP: real WebRTC peers (libdatachannel). */
export class StagePeers {
  readonly errors = new Counter();
  readonly whepConnectMs = new Samples();
  readonly whepFirstPacketMs = new Samples();
  readonly whipConnectMs = new Samples();
  readonly #publishers: WhipPublisher[] = [];
  readonly #listeners: WhepListener[] = [];
  readonly #abort = new AbortController();
  readonly #base: string;

  constructor(target: string, spaceId: string) {
    this.#base = `${target.replace(/\/$/, '')}/api/v1/spaces/${spaceId}`;
  }

  async addSpeakers(tokens: readonly string[], speech: string | undefined): Promise<void> {
    await Promise.all(tokens.map(async (bearer, i) => {
      try {
        const source = await speakerSource(i, speech);
        const publisher = await publishWhip({ url: `${this.#base}/whip`, bearer, source, signal: this.#abort.signal });
        this.#publishers.push(publisher);
        this.whipConnectMs.add(publisher.stats().connectMs);
      } catch (err) {
        this.errors.add(`whip-${(err as { code?: string }).code ?? 'connect'}`);
      }
    }));
  }

  /** Opens `count` WHEP listeners, a few at a time (each costs an ICE + DTLS handshake). */
  async addListeners(count: number, concurrency = 8): Promise<void> {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < count && !this.#abort.signal.aborted) {
        next += 1;
        try {
          // No republishing: its probe of a second per listener would be load the test did not ask for.
          const listener = await listenWhep({ url: `${this.#base}/whep`, signal: this.#abort.signal, reconnect: false });
          this.#listeners.push(listener);
          this.whepConnectMs.add(listener.stats().connectMs);
        } catch (err) {
          this.errors.add(`whep-${(err as { code?: string }).code ?? 'connect'}`);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  }

  stats(): { speakers: number; whep: number; packetsSent: number; packetsReceived: number; packetsLost: number } {
    let packetsSent = 0;
    let packetsReceived = 0;
    let packetsLost = 0;
    for (const p of this.#publishers) packetsSent += p.stats().packetsSent;
    let whep = 0;
    for (const l of this.#listeners) {
      const s = l.stats();
      if (s.state === 'connected') whep += 1;
      packetsReceived += s.packetsReceived;
      packetsLost += s.packetsLost;
      if (s.firstPacketMs >= 0 && !firstSeen.has(l)) { firstSeen.add(l); this.whepFirstPacketMs.add(s.firstPacketMs); }
    }
    const speakers = this.#publishers.filter((p) => p.stats().state === 'connected').length;
    return { speakers, whep, packetsSent, packetsReceived, packetsLost };
  }

  async close(): Promise<void> {
    this.#abort.abort();
    await Promise.all([...this.#publishers, ...this.#listeners].map((p) => p.close()));
  }
}

const firstSeen = new WeakSet<WhepListener>();

/** Distinct tones per speaker (easy to tell apart in the program), or speech from espeak-ng. */
async function speakerSource(index: number, speech: string | undefined): Promise<FrameSource> {
  if (speech) {
    try { return await espeakSource(`${speech} Speaker ${index + 1}.`); } catch { /* no espeak-ng: a tone will do */ }
  }
  return toneSource(300 + 170 * index, 0.15);
}
