import { createHash } from 'node:crypto';
// The package is CommonJS to Node (its ES module build is for bundlers): its exports object, whole.
import jsonPatch, { type Operation } from 'fast-json-patch';
import type { Store } from '../store/store.js';
import type { AudienceService } from './audience-service.js';
import type { Clock } from './clock.js';
import type { QuestionService } from './question-service.js';
import type { ReplayService } from './replays.js';
import type { SpaceService } from './space-service.js';
import type { UserDirectory } from './user-directory.js';
import { presentQuestion, spaceUrls } from './views.js';

/** What the studio tells the host about the origin: whether it sheds load, asks for proofs of work, or queues newcomers. */
export interface DefenceView { readonly underAttack: boolean; readonly shedding: boolean; readonly waitingRoom: boolean }

/** One version of a Space's state: the JSON every listener page polls, and the ETag of its content. */
export interface StateVersion { readonly body: string; readonly etag: string; readonly generatedAt: string }

/** What turns a version a page holds into the current one (RFC 6902), and the current one's ETag. */
export interface StatePatch { readonly body: string; readonly etag: string }

/** The state is rebuilt at most this often per Space, whatever the request rate at the origin. */
export const STATE_TTL_MS = 500;

interface Cached { readonly version: Promise<StateVersion>; readonly at: number }

export interface SpaceStateDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly spaces: SpaceService;
  readonly audience: AudienceService;
  readonly questions: QuestionService;
  readonly users: UserDirectory;
  readonly replays: ReplayService;
  /** The prefix of the media URLs (`publicBaseUrl`). */
  readonly baseUrl: string;
  readonly defence: () => DefenceView;
  /** config.audience.delivery, for the page's player. */
  readonly hlsDelivery: 'parts' | 'segment-streams';
}

/** Past this many Spaces cached, stale entries are dropped when a new one is added. */
const SWEEP_ABOVE = 1_024;
/**
 * Versions kept per Space for patches: a page polls every 2 s and the state changes at most every
 * STATE_TTL_MS, so it holds one of the last four; a page that holds an older one gets the whole state.
 */
const VERSIONS_KEPT = 8;

/**
 * The read model of a Space for its audience (`GET /state`): stage, levels, listeners, reactions,
 * questions, media URLs, the origin's defences. Built at most every STATE_TTL_MS per Space on the
 * injected clock, and concurrent readers of a stale entry share one rebuild.
 */
export class SpaceStateService {
  readonly #d: SpaceStateDeps;
  readonly #cache = new Map<string, Cached>();
  /** Per Space, the last versions' contents (without generatedAt), newest last. */
  readonly #versions = new Map<string, Array<{ readonly etag: string; readonly content: object }>>();
  /**
   * Per Space, the patches to the current build from each version asked for: every page holding
   * the same version asks the same question until the next build (at most every STATE_TTL_MS).
   */
  readonly #patches = new Map<string, { readonly to: StateVersion; readonly bySince: Map<string, StatePatch> }>();

  constructor(deps: SpaceStateDeps) {
    this.#d = deps;
  }

  current(spaceId: string): Promise<StateVersion> {
    const cached = this.#cache.get(spaceId);
    if (cached && this.#d.clock.now() - cached.at < STATE_TTL_MS) return cached.version;
    const at = this.#d.clock.now();
    const version = this.#build(spaceId);
    if (!cached && this.#cache.size >= SWEEP_ABOVE) {
      for (const [id, entry] of this.#cache) {
        if (at - entry.at >= STATE_TTL_MS) { this.#cache.delete(id); this.#versions.delete(id); this.#patches.delete(id); }
      }
    }
    this.#cache.set(spaceId, { version, at });
    // A failure (an unknown Space, the store away) is not kept: the next reader tries again.
    version.catch(() => { if (this.#cache.get(spaceId)?.version === version) this.#cache.delete(spaceId); });
    return version;
  }

  async #build(spaceId: string): Promise<StateVersion> {
    const d = this.#d;
    // Taken before the reads: the state is as of at least this moment (a client compares it with
    // the time of its own write, which a read that started earlier may not have seen).
    const generatedAt = new Date(d.clock.now()).toISOString();
    const space = await d.spaces.get(spaceId);
    const [stage, snapshot, questions] = await Promise.all([
      d.store.stage.onStage(spaceId), d.audience.snapshot(spaceId), d.questions.summary(spaceId, 5),
    ]);
    const lookup = d.users.lookup();
    const urls = await spaceUrls(d.baseUrl, space, (id) => d.replays.hasReplay(id));
    const content = {
      id: space.id, state: space.state, title: space.title, language: space.language,
      scheduledStart: space.scheduledStart, timeZone: space.timeZone, startedAt: space.startedAt, endedAt: space.endedAt,
      stage: stage.map((p) => {
        // Levels linger in memory after the end; nobody speaks in an ended Space.
        const level = space.state === 'live' ? snapshot.levels[p.id] : undefined;
        return { participantId: p.id, displayName: p.displayName, role: p.role, muted: p.muted, speaking: !p.muted && (level?.speaking ?? false), level: p.muted ? 0 : (level?.level ?? 0) };
      }),
      listeners: snapshot.listeners,
      reactions: snapshot.reactions,
      questions: {
        highlighted: questions.highlighted ? await presentQuestion(questions.highlighted, lookup) : null,
        top: await Promise.all(questions.top.map((q) => presentQuestion(q, lookup))),
        approved: questions.counts.approved, answered: questions.counts.answered,
      },
      media: { hlsUrl: urls.hlsUrl, whepUrl: urls.whepUrl, replayUrl: urls.replayUrl, hlsDelivery: d.hlsDelivery },
      defence: d.defence(),
    };
    // The ETag names the content: two rebuilds that differ only in when they were made are one version.
    const json = JSON.stringify(content);
    const etag = `"${createHash('sha1').update(json).digest('base64url')}"`;
    const kept = this.#versions.get(spaceId) ?? [];
    if (kept.at(-1)?.etag !== etag) {
      // A copy as plain JSON, as the page holds it (what the patch is computed against).
      this.#versions.set(spaceId, [...kept.filter((v) => v.etag !== etag), { etag, content: JSON.parse(json) as object }].slice(-VERSIONS_KEPT));
    }
    return { body: JSON.stringify({ ...content, generatedAt }), etag, generatedAt };
  }

  /**
   * The current state as a patch from the version `since` (an ETag) a page holds: a few operations
   * where the whole state is hundreds of bytes, on a request every listener makes every 2 s
   * (docs/benchmarks.md, the egress per listener). Undefined when that version is not kept: the page
   * then gets the whole state.
   */
  async patchSince(spaceId: string, since: string): Promise<StatePatch | undefined> {
    const current = await this.current(spaceId);
    let memo = this.#patches.get(spaceId);
    if (memo?.to !== current) {
      memo = { to: current, bySince: new Map() };
      this.#patches.set(spaceId, memo);
    }
    const known = memo.bySince.get(since);
    if (known) return known;
    const kept = this.#versions.get(spaceId) ?? [];
    const from = kept.find((v) => v.etag === since);
    const to = kept.find((v) => v.etag === current.etag);
    if (!from || !to) return undefined;
    // generatedAt is not part of the content (nor of the ETag): always carried, so the page holds the current one.
    const ops: Operation[] = [...jsonPatch.compare(from.content, to.content), { op: 'replace', path: '/generatedAt', value: current.generatedAt }];
    const patch = { body: JSON.stringify(ops), etag: current.etag };
    memo.bySince.set(since, patch);
    return patch;
  }
}
