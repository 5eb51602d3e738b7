import type { Pool } from './database.js';

/**
 * The recordings every origin shares (cluster mode). The shapes are the audience plane's
 * (`RecordingRows` in src/audience/shared-recording.ts), repeated here because the store does not
 * import the media planes: the composition root hands this object over and the compiler checks it fits.
 */
export interface SegmentRow {
  readonly msn: number;
  readonly decodeTime: number;
  readonly duration: number;
  readonly programDateTime: number;
  readonly discontinuity: boolean;
  readonly bytes: number;
  readonly parts: number;
}

export interface ReservationRow {
  readonly msn: number;
  readonly decodeTime: number;
  readonly fragmentSequence: number;
  readonly maxDuration: number;
  readonly maxFragments: number;
}

export interface PostgresRecordings {
  load(spaceId: string): Promise<{ createdAt: number; endedAt: number | null; reserved: ReservationRow | null; segments: SegmentRow[]; captions: string } | undefined>;
  start(spaceId: string, init: Buffer, createdAt: number): Promise<void>;
  reserve(spaceId: string, state: ReservationRow): Promise<void>;
  putSegment(spaceId: string, record: SegmentRow, data: Buffer): Promise<void>;
  markEnded(spaceId: string, at: number): Promise<void>;
  readSegment(spaceId: string, msn: number): Promise<Buffer | undefined>;
  readInit(spaceId: string): Promise<Buffer | undefined>;
  appendCaptions(spaceId: string, text: string): Promise<void>;
  putClip(spaceId: string, clipId: string, info: string, data: Buffer): Promise<void>;
  readClip(spaceId: string, clipId: string): Promise<{ info: string; data: Buffer } | undefined>;
  delete(spaceId: string): Promise<void>;
  list(): Promise<Array<{ spaceId: string; endedAt: number }>>;
}

// BIGINT comes back as a string from node-postgres.
const num = (v: unknown): number => Number(v);

export function postgresRecordings(pool: Pool): PostgresRecordings {
  return {
    async load(spaceId) {
      const head = await pool.query<{ created_at: string; ended_at: string | null; reserved: ReservationRow | null }>(
        'SELECT created_at, ended_at, reserved FROM recordings WHERE space_id = $1', [spaceId]);
      const row = head.rows[0];
      if (!row) return undefined;
      const segs = await pool.query<Record<string, unknown>>(`SELECT msn, decode_time, duration, program_date_time, discontinuity,
          octet_length(data) AS bytes, parts FROM recording_segments WHERE space_id = $1 ORDER BY msn`, [spaceId]);
      const captions = await pool.query<{ log: string | null }>(
        'SELECT string_agg(text, \'\' ORDER BY n) AS log FROM recording_captions WHERE space_id = $1', [spaceId]);
      return {
        createdAt: num(row.created_at),
        endedAt: row.ended_at === null ? null : num(row.ended_at),
        reserved: row.reserved,
        segments: segs.rows.map((r) => ({
          msn: num(r.msn), decodeTime: num(r.decode_time), duration: num(r.duration), programDateTime: num(r.program_date_time),
          discontinuity: r.discontinuity === true, bytes: num(r.bytes), parts: num(r.parts),
        })),
        captions: captions.rows[0]?.log ?? '',
      };
    },
    async start(spaceId, init, createdAt) {
      await pool.query(`INSERT INTO recordings (space_id, created_at, ended_at, updated_at, init) VALUES ($1, $2, NULL, $3, $4)
        ON CONFLICT (space_id) DO UPDATE SET ended_at = NULL, updated_at = excluded.updated_at, init = excluded.init`,
      [spaceId, createdAt, Date.now(), init]);
    },
    async reserve(spaceId, state) {
      // Only forward: an origin that lost the Space and writes late never lowers the new holder's mark.
      await pool.query(`UPDATE recordings SET reserved = $2, updated_at = $3
        WHERE space_id = $1 AND (reserved IS NULL OR (reserved->>'msn')::bigint < $4)`, [spaceId, JSON.stringify(state), Date.now(), state.msn]);
    },
    async putSegment(spaceId, r, data) {
      // A number already stored is kept: two origins briefly running one Space never tear a segment.
      await pool.query(`WITH seg AS (INSERT INTO recording_segments (space_id, msn, decode_time, duration, program_date_time, discontinuity, parts, data)
          VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (space_id, msn) DO NOTHING RETURNING space_id)
        UPDATE recordings SET updated_at = $9 WHERE space_id IN (SELECT space_id FROM seg)`,
      [spaceId, r.msn, r.decodeTime, r.duration, r.programDateTime, r.discontinuity, r.parts, data, Date.now()]);
    },
    async markEnded(spaceId, at) {
      await pool.query('UPDATE recordings SET ended_at = $2, updated_at = $2 WHERE space_id = $1', [spaceId, at]);
    },
    async readSegment(spaceId, msn) {
      const { rows } = await pool.query<{ data: Buffer }>('SELECT data FROM recording_segments WHERE space_id = $1 AND msn = $2', [spaceId, msn]);
      return rows[0]?.data;
    },
    async readInit(spaceId) {
      const { rows } = await pool.query<{ init: Buffer }>('SELECT init FROM recordings WHERE space_id = $1', [spaceId]);
      return rows[0]?.init;
    },
    async appendCaptions(spaceId, text) {
      // One row per append (a few a minute): a long Space never rewrites its whole log.
      await pool.query('INSERT INTO recording_captions (space_id, text) VALUES ($1, $2)', [spaceId, text]);
    },
    async putClip(spaceId, clipId, info, data) {
      await pool.query('INSERT INTO recording_clips (space_id, clip_id, info, data) VALUES ($1, $2, $3, $4)', [spaceId, clipId, info, data]);
    },
    async readClip(spaceId, clipId) {
      const { rows } = await pool.query<{ info: string; data: Buffer }>('SELECT info, data FROM recording_clips WHERE space_id = $1 AND clip_id = $2', [spaceId, clipId]);
      return rows[0];
    },
    async delete(spaceId) {
      // The segments and clips go with it (ON DELETE CASCADE), in one statement.
      await pool.query('DELETE FROM recordings WHERE space_id = $1', [spaceId]);
    },
    async list() {
      const { rows } = await pool.query<{ space_id: string; at: string }>('SELECT space_id, COALESCE(ended_at, updated_at) AS at FROM recordings');
      return rows.map((r) => ({ spaceId: r.space_id, endedAt: num(r.at) }));
    },
  };
}
