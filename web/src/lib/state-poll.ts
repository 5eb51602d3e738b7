import { applyPatch, type Operation } from 'fast-json-patch';
import { ApiError } from './api.js';
import type { SpaceState } from './types.js';

/** A Space's state as the page holds it, and the ETag naming it. */
export interface HeldState {
  readonly state: SpaceState;
  readonly etag: string;
}

/**
 * The Space's state, fetched as a patch from the one the page holds (`/state?since=<ETag>`, RFC
 * 6902): every listener polls it every 2 s, and a few operations are a fraction of the whole state's
 * bytes (docs/benchmarks.md, the egress per listener). The origin answers with the whole state when
 * it no longer knows the version held; a patch that does not apply is asked for again whole.
 */
export async function pollState(spaceId: string, held: HeldState | null): Promise<HeldState> {
  const path = `/api/v1/spaces/${encodeURIComponent(spaceId)}/state`;
  const since = held?.etag.replace(/^W\//, '').replace(/"/g, '');
  const res = await fetch(since ? `${path}?since=${encodeURIComponent(since)}` : path, { credentials: 'same-origin' });
  if (!res.ok) {
    const error = ((await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(res.status, error?.code ?? `HTTP_${res.status}`, error?.message ?? res.statusText);
  }
  const etag = res.headers.get('etag') ?? '';
  if (held && res.headers.get('content-type')?.startsWith('application/json-patch+json')) {
    try {
      return { state: applyPatch(held.state, (await res.json()) as Operation[], true, false).newDocument, etag };
    } catch {
      return pollState(spaceId, null);
    }
  }
  return { state: (await res.json()) as SpaceState, etag };
}
