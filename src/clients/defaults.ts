/** Every default of the node-side WHIP/WHEP clients, in one place. */
export const CLIENT_DEFAULTS = Object.freeze({
  sampleRate: 48_000,
  frameSamples: 960,
  frameMs: 20,
  /** The payload type we offer for Opus; the server answers with the one from our offer. */
  opusPayloadType: 111,
  /** Speech-grade mono Opus, what a browser speaker sends. */
  bitrate: 32_000,
  /** ICE + DTLS on loopback take ~50 ms; a loaded load generator much longer. */
  connectTimeoutMs: 15_000,
  /** Frames read ahead from an async source so a slow producer does not make the RTP clock late. */
  readAhead: 5,
  /** After a stall, at most this many late frames are sent at once (then the clock is reset). */
  maxCatchUpFrames: 5,
  requestTimeoutMs: 10_000,
});
