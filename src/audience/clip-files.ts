import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TribuneError } from '../errors/catalogue.js';
import { buildClip, planClip, segmentSamples } from './clip.js';
import type { Recording } from './recording.js';

export const CLIP_ID_PATTERN = /^cl_[A-Za-z0-9_-]{12}$/;

export interface ClipInfo {
  readonly id: string;
  readonly spaceId: string;
  readonly fromMs: number;
  readonly durationMs: number;
  readonly createdAt: string;
}

/**
 * Clips live inside the recording's directory (`clips/<id>.m4a` and `.json`), so whatever deletes
 * the recording (the host, a takedown, the retention purge) deletes its clips with it.
 */
const clipDir = (rec: Recording) => join(rec.dir, 'clips');

export async function makeClip(rec: Recording, spaceId: string, fromMs: number, durationMs: number): Promise<ClipInfo> {
  const plan = planClip(rec.segments, fromMs, durationMs);
  if (plan.msns.length === 0 || fromMs + durationMs > plan.recordedMs + 1) {
    throw new TribuneError('CLIP_OUT_OF_RANGE', { fromMs, durationMs, recordedMs: Math.floor(plan.recordedMs) });
  }
  const samples = [];
  for (const msn of plan.msns) samples.push(...segmentSamples(await rec.readSegment(msn)));
  const clip = buildClip(await rec.readInit(), samples, plan.offsetMs, durationMs);
  const info: ClipInfo = { id: `cl_${randomBytes(9).toString('base64url')}`, spaceId, fromMs, durationMs: clip.durationMs, createdAt: new Date().toISOString() };
  const dir = clipDir(rec);
  await mkdir(dir, { recursive: true });
  // The media first, then the description that names it (renamed into place): never a clip without its file.
  await writeFile(join(dir, `${info.id}.m4a`), clip.data);
  await writeFile(join(dir, `.${info.id}.json.tmp`), JSON.stringify(info));
  await rename(join(dir, `.${info.id}.json.tmp`), join(dir, `${info.id}.json`));
  return info;
}

export async function readClip(rec: Recording | undefined, clipId: string): Promise<{ info: ClipInfo; data: () => Promise<Buffer> }> {
  if (!rec || !CLIP_ID_PATTERN.test(clipId)) throw new TribuneError('CLIP_NOT_FOUND', { clipId });
  try {
    const info = JSON.parse(await readFile(join(clipDir(rec), `${clipId}.json`), 'utf8')) as ClipInfo;
    return { info, data: () => readFile(join(clipDir(rec), `${clipId}.m4a`)) };
  } catch {
    throw new TribuneError('CLIP_NOT_FOUND', { clipId });
  }
}
