import type { FastifyBaseLogger } from 'fastify';
import type { Audience } from './audience/index.js';
import { createCaptions, type Captions, type SpaceCaptioner } from './captions/index.js';
import type { Config } from './config/schema.js';
import type { StageMedia } from './stage/index.js';
import type { Store } from './store/store.js';

export interface CaptionsWiringOptions {
  readonly config: Config['captions'];
  readonly stageMedia: StageMedia;
  readonly audience: Audience;
  readonly store: Store;
  readonly log: FastifyBaseLogger;
}

interface LiveCaptions {
  readonly captioner: SpaceCaptioner;
  readonly untap: () => void;
  readonly names: Map<string, string>;
}

/**
 * Part of the composition root: starts captions for a Space that goes live (if the engine has its
 * language), taps the stage's seats into them, sends the lines to the audience plane's subtitles, and
 * gives the speakers' names from the store. The engine's worker starts with the first live Space.
 */
export class CaptionsWiring {
  readonly #o: CaptionsWiringOptions;
  readonly #live = new Map<string, LiveCaptions>();
  #captions: Captions | undefined;
  #failed = false;

  constructor(options: CaptionsWiringOptions) {
    this.#o = options;
  }

  spaceLive(spaceId: string): void {
    if (this.#o.config.engine === 'off' || this.#failed || this.#live.has(spaceId)) return;
    this.#start(spaceId).catch((err: unknown) => this.#o.log.error({ err, spaceId }, 'captions did not start'));
  }

  spaceEnded(spaceId: string): void {
    const live = this.#live.get(spaceId);
    if (!live) return;
    this.#live.delete(spaceId);
    live.untap();
    live.captioner.close();
  }

  refreshNames(spaceId: string): void {
    const live = this.#live.get(spaceId);
    if (!live) return;
    this.#o.store.stage.onStage(spaceId).then((seats) => {
      for (const p of seats) live.names.set(p.id, p.displayName);
    }, (err: unknown) => this.#o.log.warn({ err, spaceId }, 'captions: names not refreshed'));
  }

  async close(): Promise<void> {
    for (const id of [...this.#live.keys()]) this.spaceEnded(id);
    await this.#captions?.close();
  }

  #engine(): Captions {
    if (this.#captions) return this.#captions;
    const { engine, modelDir, maxBacklogMs } = this.#o.config;
    this.#captions = createCaptions({ engineModule: engine === 'pocketsphinx' ? '' : engine, engineOptions: { modelDir }, maxBacklogMs });
    this.#captions.ready.then((name) => this.#o.log.info({ engine: name }, 'captions engine ready'), () => {});
    this.#captions.onFatal((err) => {
      if (this.#failed) return;
      this.#failed = true;
      this.#o.log.error({ err }, 'captions engine failed: captions are off until the server restarts');
    });
    return this.#captions;
  }

  async #start(spaceId: string): Promise<void> {
    const space = await this.#o.store.spaces.byId(spaceId);
    if (!space) return;
    const captions = this.#engine();
    if (!(await captions.supports(space.language))) {
      this.#o.log.info({ spaceId, language: space.language }, 'captions: no engine model for this language, captions off');
      return;
    }
    if (this.#live.has(spaceId) || !this.#o.audience.isLive(spaceId)) return;
    const names = new Map<string, string>();
    for (const p of await this.#o.store.stage.onStage(spaceId)) names.set(p.id, p.displayName);
    const captioner = captions.startSpace({
      spaceId, language: space.language, sink: this.#o.audience.captions(spaceId, space.language),
      nameOf: (id) => names.get(id),
    });
    let untap: () => void;
    try {
      untap = this.#o.stageMedia.tapSeats(spaceId, captioner);
    } catch {
      captioner.close();
      return;
    }
    this.#live.set(spaceId, { captioner, untap, names });
  }
}
