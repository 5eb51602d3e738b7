import type { CaptionSink } from '../media/types.js';
import { CaptionsWorkerClient } from './captions-worker-client.js';
import { SpaceCaptioner } from './space-captioner.js';

export interface CaptionsOptions {
  /** An engine module (exports `createEngine`); empty or absent: PocketSphinx with Debian's en-us model. */
  readonly engineModule?: string;
  readonly engineOptions?: Readonly<Record<string, unknown>>;
  /** Per speaker: audio waiting for the engine beyond this is dropped for captions. */
  readonly maxBacklogMs?: number;
}

export const CAPTIONS_DEFAULTS = { engineModule: '', maxBacklogMs: 4_000 } as const;

export interface Captions {
  /** The engine's name once loaded; rejects if it cannot be (then captions are off). */
  readonly ready: Promise<string>;
  supports(language: string): Promise<boolean>;
  /** The captions process died or could not start (captions are then off; the server runs on). */
  onFatal(handler: (err: Error) => void): void;
  /** Starts captioning a Space: the returned tap goes on its mixer. */
  startSpace(options: { spaceId: string; language: string; sink: CaptionSink; nameOf: (participantId: string) => string | undefined }): SpaceCaptioner;
  close(): Promise<void>;
}

export function createCaptions(options: CaptionsOptions = {}): Captions {
  const worker = new CaptionsWorkerClient({
    engineModule: options.engineModule ?? CAPTIONS_DEFAULTS.engineModule,
    engineOptions: options.engineOptions ?? {},
  });
  const maxBacklogMs = options.maxBacklogMs ?? CAPTIONS_DEFAULTS.maxBacklogMs;
  const spaces = new Set<SpaceCaptioner>();
  return {
    ready: worker.ready,
    supports: (language) => worker.supports(language),
    onFatal: (handler) => worker.onFatal(handler),
    startSpace: ({ spaceId, language, sink, nameOf }) => {
      const captioner = new SpaceCaptioner(worker, { spaceId, language, sink, nameOf, maxBacklogMs });
      spaces.add(captioner);
      return captioner;
    },
    async close() {
      for (const s of spaces) s.close();
      spaces.clear();
      await worker.terminate();
    },
  };
}
