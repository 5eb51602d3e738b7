import { TribuneError } from '../errors/catalogue.js';
import type { MediaHooks } from './media-hooks.js';
import type { SpaceService } from './space-service.js';

export interface ClipInfo { readonly id: string; readonly durationMs: number; readonly fromMs: number }

/** What the recordings offer beyond the media planes' own routes: whether a replay exists, its size, clips. */
export class ReplayService {
  readonly #media: MediaHooks;
  readonly #spaces: SpaceService;

  constructor(deps: { media: MediaHooks; spaces: SpaceService }) {
    this.#media = deps.media;
    this.#spaces = deps.spaces;
  }

  hasReplay(spaceId: string): Promise<boolean> {
    return this.#media.hasReplay(spaceId);
  }

  /** Size of the single-file recording (the podcast enclosure), or null without a replay. */
  recordingBytes(spaceId: string): Promise<number | null> {
    return this.#media.recordingBytes(spaceId);
  }

  /** Up to a minute of the replay or of the live programme so far; nothing to cut before the start. */
  async makeClip(spaceId: string, fromMs: number, durationMs: number): Promise<ClipInfo> {
    const space = await this.#spaces.get(spaceId);
    if (space.state !== 'live' && space.state !== 'ended') throw new TribuneError('SPACE_STATE_CONFLICT', { state: space.state, action: 'make a clip' });
    return this.#media.makeClip(spaceId, fromMs, durationMs);
  }

  clip(spaceId: string, clipId: string): Promise<ClipInfo & { readonly createdAt: string }> {
    return this.#media.clipInfo(spaceId, clipId);
  }
}
