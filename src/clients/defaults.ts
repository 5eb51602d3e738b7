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

/**
 * How a node client notices that the origin holding its session is gone, and how it comes back.
 * The peer connection's own state is too slow for a dead origin (libjuice's consent check fails after
 * ~30 s), so the client also probes its session resource: a 404 (the session is not where the Space
 * now runs) is a loss at once, a 5xx or no answer twice in a row (a blip of one request is not).
 */
export const RECONNECT_DEFAULTS = Object.freeze({
  probeIntervalMs: 1_000,
  /**
   * A publisher probes twice as often: its silence is every listener's (a Space has at most 15 of
   * them), while listeners are many and each hears only itself.
   */
  publisherProbeIntervalMs: 500,
  /** A WHEP listener that has received no RTP for this long probes its session at once (the programme never pauses). */
  mediaSilentMs: 300,
  probeTimeoutMs: 1_500,
  /** Probes that fail with a 5xx or no answer, in a row, before the session is declared lost. */
  unreachableProbes: 2,
  /**
   * After one such failure the next probe comes this soon: a blip is still not a loss, but a dead
   * origin is told within a quarter of a second more, not a second (its standby took over by then).
   */
  confirmAfterMs: 250,
  /** Republishing stops after this long without success (the Space ended, the seat is gone). */
  withinMs: 30_000,
  /** Backoff between attempts: doubles from the first, capped, each one jittered by ±50 %. */
  firstRetryMs: 200,
  maxRetryMs: 1_000,
  /** The old session's DELETE, best effort: long enough for a live origin, short for a dead one. */
  deleteOldMs: 1_000,
  /** A connect attempt during a republish: a media path that takes longer is not coming. */
  connectTimeoutMs: 5_000,
  /** A move is given up after this long (the old session then ends, and the client republishes as after a loss). */
  moveWithinMs: 3_500,
  /**
   * After a move a publisher sends to the old session too until its origin closes it (the end of its
   * hand-over, at most 4 s later), or this long.
   */
  moveLingerMs: 5_000,
});
