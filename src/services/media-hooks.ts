import { TribuneError } from '../errors/catalogue.js';

/**
 * What the control plane tells the media planes. The composition root implements it over the stage
 * plane (StageMediaControl) and the audience plane (ProgramConsumer); without media (tests of the
 * control plane alone) the no-op version stands in.
 */
export interface MediaHooks {
  spaceLive(spaceId: string): void;
  spaceEnded(spaceId: string): Promise<void>;
  setMuted(spaceId: string, participantId: string, muted: boolean): void;
  removeSeat(spaceId: string, participantId: string): void;
  /** Deletes the Space's recording wherever recordings are kept (edges must be purged separately). */
  deleteRecording(spaceId: string): Promise<void>;
  /** Whether a replay can be served for the Space (its recording exists, on any origin of a cluster). */
  hasReplay(spaceId: string): Promise<boolean>;
  /** Size of the single-file recording (the podcast enclosure), or null without a replay. */
  recordingBytes(spaceId: string): Promise<number | null>;
  /** Cuts a clip from the recording (no re-encoding); it is deleted with the recording. */
  makeClip(spaceId: string, fromMs: number, durationMs: number): Promise<{ id: string; durationMs: number; fromMs: number }>;
  clipInfo(spaceId: string, clipId: string): Promise<{ id: string; durationMs: number; fromMs: number; createdAt: string }>;
}

export const NO_MEDIA: MediaHooks = Object.freeze({
  spaceLive: () => {},
  spaceEnded: async () => {},
  setMuted: () => {},
  removeSeat: () => {},
  deleteRecording: async () => {},
  hasReplay: async () => false,
  recordingBytes: async () => null,
  makeClip: async (spaceId: string) => { throw new TribuneError('REPLAY_NOT_AVAILABLE', { spaceId }); },
  clipInfo: async (_spaceId: string, clipId: string) => { throw new TribuneError('CLIP_NOT_FOUND', { clipId }); },
});
