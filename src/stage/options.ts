/**
 * Options of the stage media plane. Every default lives in `src/config/defaults.ts` (the configured
 * values and `STAGE_MEDIA_TUNING`); the composition root passes them all, so this plane holds none.
 */
export interface StageMediaOptions {
  /** The one UDP port shared by every session (ICE UDP mux); 0 picks a free port at start. */
  readonly udpPort: number;
  /** Local address to bind the UDP port to; all interfaces when omitted. */
  readonly bindAddress?: string;
  /** Addresses put in SDP answers instead of the gathered host candidates (public IPs behind NAT). */
  readonly advertisedAddresses: readonly string[];
  /** STUN/TURN URLs advertised to clients in `Link: rel="ice-server"` headers (RFC 9725 §4.6). */
  readonly iceServers: readonly string[];
  /**
   * Maximum WHEP listener sessions on this origin; beyond it, MEDIA_CAPACITY (the page then plays
   * LL-HLS). The stage's own sessions (WHIP, and speakers hearing their mix-minus) never count
   * against it: listeners cannot take the host off the air.
   */
  readonly maxSessions: number;
  /** WHEP listeners of one Space on this origin. */
  readonly maxListenersPerSpace: number;
  /** A WHEP session whose media has not connected after this long is dropped. */
  readonly connectTimeoutMs: number;
  /** WHEP offers not yet connected, per client address and per /24 (IPv6 /56). */
  readonly pendingPerAddress: number;
  readonly pendingPerNetwork: number;
  /** How long a dropped speaker keeps their slot in the mix, waiting for a re-publish. */
  readonly reconnectGraceMs: number;
  /** No RTP for this long from a publisher means its network vanished. */
  readonly mediaTimeoutMs: number;
  /** Bitrate of every Opus encoder (program and mix-minus). */
  readonly opusBitrate: number;
  /** Per-client-IP session creations: bucket size and refill per second. */
  readonly sessionRateBurst: number;
  readonly sessionRatePerSecond: number;
  /** How long to wait for ICE gathering before answering (non-trickle). */
  readonly gatheringTimeoutMs: number;
  /** Interval of SpeakerLevels events, >= 250 ms (4 Hz). */
  readonly levelIntervalMs: number;
  /**
   * Starts every session id (cluster mode: `<origin id>~`), so that any origin can send a request for
   * a session resource to the origin that holds it, wherever the Space runs by then.
   */
  readonly sessionIdPrefix?: string;
}

export type ResolvedStageMediaOptions = Readonly<Omit<StageMediaOptions, 'bindAddress'>> & {
  readonly bindAddress: string | undefined;
};

export function resolveOptions(options: StageMediaOptions): ResolvedStageMediaOptions {
  if (!Number.isInteger(options.udpPort) || options.udpPort < 0 || options.udpPort > 65_535) {
    throw new TypeError(`udpPort must be an integer in [0, 65535], got ${options.udpPort}`);
  }
  if (!(options.maxSessions >= 0)) throw new TypeError('maxSessions must be >= 0');
  return Object.freeze({
    ...options,
    bindAddress: options.bindAddress,
    // SpeakerLevels is documented as at most 4 Hz per Space.
    levelIntervalMs: Math.max(250, options.levelIntervalMs),
    advertisedAddresses: Object.freeze([...options.advertisedAddresses]),
    iceServers: Object.freeze([...options.iceServers]),
  });
}
