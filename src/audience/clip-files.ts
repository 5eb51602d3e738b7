import { randomBytes } from 'node:crypto';
import { TribuneError } from '../errors/catalogue.js';
import { buildClip, planClip, segmentSamples } from './clip.js';
import type { RecordingHandle } from './recording-store.js';

export const CLIP_ID_PATTERN = /^cl_[A-Za-z0-9_-]{12}$/;

export interface ClipInfo {
  readonly id: string;
  readonly spaceId: string;
  readonly fromMs: number;
  readonly durationMs: number;
  readonly createdAt: string;
}

/** Clips are kept by the recording they were cut from, so whatever deletes it deletes them. */
export async function makeClip(rec: RecordingHandle, spaceId: string, fromMs: number, durationMs: number): Promise<ClipInfo> {
  const plan = planClip(rec.segments, fromMs, durationMs);
  if (plan.msns.length === 0 || fromMs + durationMs > plan.recordedMs + 1) {
    throw new TribuneError('CLIP_OUT_OF_RANGE', { fromMs, durationMs, recordedMs: Math.floor(plan.recordedMs) });
  }
  const samples = [];
  for (const msn of plan.msns) samples.push(...segmentSamples(await rec.readSegment(msn)));
  const clip = buildClip(await rec.readInit(), samples, plan.offsetMs, durationMs);
  const info: ClipInfo = { id: `cl_${randomBytes(9).toString('base64url')}`, spaceId, fromMs, durationMs: clip.durationMs, createdAt: new Date().toISOString() };
  await rec.saveClip(info.id, JSON.stringify(info), clip.data);
  return info;
}

export async function readClip(rec: RecordingHandle | undefined, clipId: string): Promise<{ info: ClipInfo; data: () => Promise<Buffer> }> {
  if (!rec || !CLIP_ID_PATTERN.test(clipId)) throw new TribuneError('CLIP_NOT_FOUND', { clipId });
  try {
    const found = await rec.loadClip(clipId);
    if (found) return { info: JSON.parse(found.info) as ClipInfo, data: found.data };
  } catch { /* a torn description: as if absent */ }
  throw new TribuneError('CLIP_NOT_FOUND', { clipId });
}
