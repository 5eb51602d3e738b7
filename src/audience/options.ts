import { PROGRAM_FORMAT } from '../media/types.js';

/** How the audience plane packages, keeps and serves a Space's program. Every default lives here. */
export interface AudienceOptions {
  /** Where recordings live: `<dataDir>/media/<spaceId>/`. */
  readonly dataDir: string;
  /** Partial segment duration (RFC 8216bis §4.4.4.9 PART-TARGET); a multiple of the 20 ms frame. */
  readonly partTargetMs?: number;
  /** Segment duration; a multiple of partTargetMs, at most 10 s. */
  readonly segmentTargetMs?: number;
  /** Complete segments listed in the live playlist; older ones stay on disk for the replay. */
  readonly liveWindowSegments?: number;
  /** Recordings older than this (since the Space ended) are deleted by purgeExpired(). */
  readonly retentionDays?: number;
  /** How long a blocking playlist reload or a preload-hinted part may be held before the 503 (§6.2.5.2). */
  readonly blockingTimeoutMs?: number;
  /** The programme's Opus bit rate, bits/s: the multivariant playlist's BANDWIDTH follows from it. */
  readonly opusBitrate?: number;
  /** Opus pre-skip written in dOps and the edit list (libopus look-ahead at 48 kHz is 312 samples). */
  readonly preSkip?: number;
  /**
   * Parts in the first segment of a stream (at most a whole segment). Cut short so a crowd waiting
   * for the start hears it within a second: players start only from a complete segment. The default
   * is PART-HOLD-BACK and one startup part more, the least that lets hls.js load parts from its start.
   */
  readonly startupParts?: number;
  /**
   * Duration of the first segment's parts, at most partTargetMs (parts may be shorter than
   * PART-TARGET, §4.4.4.9): the start of a Space is heard after startupParts of these.
   */
  readonly startupPartMs?: number;
  /** fsync segment files and the index (off only in benchmarks that measure packaging alone). */
  readonly fsync?: boolean;
  /**
   * Other edges serving the same origins (`https://edge-b.example.org`): the multivariant playlist
   * lists the stream once per edge, each a Content Steering pathway, so a player whose edge dies
   * carries on through the next (hls.js moves to the next pathway on errors).
   */
  readonly backupEdgeUrls?: readonly string[];
}

export type ResolvedAudienceOptions = Required<AudienceOptions>;

export const AUDIENCE_DEFAULTS = {
  // See src/config/defaults.ts: 400 ms parts halve the requests per listener-second against 200 ms.
  partTargetMs: 400,
  segmentTargetMs: 2_000,
  // 10 x 2 s: long enough that CAN-SKIP-UNTIL (6 target durations, §4.4.3.8) leaves something to skip.
  liveWindowSegments: 10,
  retentionDays: 30,
  // RFC 8216bis §6.2.5.2: a server that cannot answer within three target durations SHOULD return 503.
  blockingTimeoutMs: 6_000,
  opusBitrate: 32_000,
  preSkip: 312,
  // 5 x 200 ms: PART-HOLD-BACK (0.8 s) and one part, so the first segment exists 1 s after the start.
  startupParts: 5,
  startupPartMs: 200,
  fsync: true,
  backupEdgeUrls: [],
} as const satisfies Omit<Required<AudienceOptions>, 'dataDir'>;

function check(ok: boolean, message: string): void {
  if (!ok) throw new TypeError(`AudienceOptions: ${message}`);
}

/** Merges over the defaults, validates once, freezes. */
export function resolveAudienceOptions(options: AudienceOptions): Readonly<ResolvedAudienceOptions> {
  const o: ResolvedAudienceOptions = { ...AUDIENCE_DEFAULTS, ...stripUndefined(options) } as ResolvedAudienceOptions;
  check(typeof o.dataDir === 'string' && o.dataDir.length > 0, 'dataDir is required');
  check(Number.isInteger(o.partTargetMs) && o.partTargetMs > 0 && o.partTargetMs % PROGRAM_FORMAT.frameMs === 0,
    `partTargetMs must be a positive multiple of ${PROGRAM_FORMAT.frameMs}`);
  check(Number.isInteger(o.segmentTargetMs) && o.segmentTargetMs % o.partTargetMs === 0 && o.segmentTargetMs >= o.partTargetMs,
    'segmentTargetMs must be a multiple of partTargetMs');
  check(o.segmentTargetMs <= 10_000, 'segmentTargetMs must be at most 10 s');
  check(Number.isInteger(o.liveWindowSegments) && o.liveWindowSegments >= 3, 'liveWindowSegments must be >= 3 (§6.2.2)');
  check(o.retentionDays > 0, 'retentionDays must be > 0');
  check(o.blockingTimeoutMs > 0, 'blockingTimeoutMs must be > 0');
  check(Number.isInteger(o.opusBitrate) && o.opusBitrate > 0, 'opusBitrate must be a positive integer');
  check(Number.isInteger(o.startupParts) && o.startupParts >= 1, 'startupParts must be a positive integer');
  check(Number.isInteger(o.startupPartMs) && o.startupPartMs > 0 && o.startupPartMs % PROGRAM_FORMAT.frameMs === 0 && o.startupPartMs <= o.partTargetMs,
    `startupPartMs must be a positive multiple of ${PROGRAM_FORMAT.frameMs} and at most partTargetMs`);
  check(Number.isInteger(o.preSkip) && o.preSkip >= 0 && o.preSkip < 65_536, 'preSkip must fit 16 bits');
  check(o.backupEdgeUrls.every((u) => /^https?:\/\/[^\s/?#"]+$/.test(u)), 'backupEdgeUrls must be scheme://host[:port], nothing after');
  return Object.freeze(o);
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
