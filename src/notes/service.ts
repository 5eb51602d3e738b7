import { TribuneError } from '../errors/catalogue.js';
import { requireUser, type Actor } from '../services/actor.js';
import { iso, type Clock } from '../services/clock.js';
import { newId } from '../services/crypto.js';
import type { SpaceService } from '../services/space-service.js';
import type { Store } from '../store/store.js';
import { scoreNotes, type NoteScore } from './scorer.js';
import type { HelpfulnessLevel, Note } from './types.js';

export const NOTE_MAX_LENGTH = 280;
export const NOTE_MAX_SOURCES = 5;
/** Below this, a fit is not worth sparing: readers always get fresh scores. */
const CHEAP_FIT_MS = 10;

export interface NoteInput { readonly text: string; readonly sources: readonly string[]; readonly atMs?: number; readonly questionId?: string }
export interface ScoredNote { readonly note: Note; readonly score: NoteScore }

const UNRATED: NoteScore = { status: 'NEEDS_MORE_RATINGS', intercept: 0, factor: 0, ratings: 0 };

/** Context notes: proposed by listeners on a moment or a question, rated by others, scored by bridging. */
export class NotesService {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #spaces: SpaceService;
  #scores: Map<string, NoteScore> = new Map();
  #dirty = true;
  #scoring: Promise<Map<string, NoteScore>> | null = null;
  #lastFitAt = -Infinity;
  #lastFitMs = 0;
  readonly #maxScoreAgeMs: number;

  /**
   * `maxScoreAgeMs`: when other origins write ratings to the same store, this one does not see them
   * happen, so its scores are refitted once they are this old (cluster mode); alone, never needed.
   */
  constructor(deps: { store: Store; clock: Clock; spaces: SpaceService; maxScoreAgeMs?: number }) {
    this.#store = deps.store;
    this.#clock = deps.clock;
    this.#maxScoreAgeMs = deps.maxScoreAgeMs ?? Infinity;
    this.#spaces = deps.spaces;
  }

  async create(actor: Actor, spaceId: string, input: NoteInput): Promise<Note> {
    const user = requireUser(actor);
    const space = await this.#spaces.get(spaceId);
    if (space.state === 'cancelled' || space.state === 'scheduled') throw new TribuneError('SPACE_STATE_CONFLICT', { state: space.state, action: 'add a note' });
    const text = input.text.trim();
    const length = [...text].length;
    if (length === 0 || length > NOTE_MAX_LENGTH) throw new TribuneError('NOTE_INVALID', { detail: `the text must be 1 to ${NOTE_MAX_LENGTH} characters` });
    if (input.sources.length === 0) throw new TribuneError('NOTE_INVALID', { detail: 'at least one source link is needed' });
    for (const source of input.sources) {
      let url: URL | null = null;
      try { url = new URL(source); } catch { /* reported below */ }
      if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) throw new TribuneError('NOTE_INVALID', { detail: `${source.slice(0, 100)} is not an http(s) link` });
    }
    if ((input.atMs === undefined) === (input.questionId === undefined)) throw new TribuneError('NOTE_INVALID', { detail: 'a note is on a moment (atMs) or on a question (questionId)' });
    if (input.questionId && !(await this.#store.questions.byId(spaceId, input.questionId))) throw new TribuneError('QUESTION_NOT_FOUND', { questionId: input.questionId });
    const note: Note = {
      id: newId('nt'), spaceId, questionId: input.questionId ?? null, atMs: input.atMs ?? null, authorId: user.id, text,
      sources: [...new Set(input.sources)], createdAt: iso(this.#clock.now()), hidden: false,
    };
    await this.#store.notes.create(note);
    return note;
  }

  async rate(actor: Actor, noteId: string, level: HelpfulnessLevel): Promise<void> {
    const user = requireUser(actor);
    const note = await this.#store.notes.byId(noteId);
    if (!note || note.hidden) throw new TribuneError('NOTE_NOT_FOUND', { noteId });
    if (note.authorId === user.id) throw new TribuneError('OWN_NOTE_RATING');
    await this.#store.notes.rate({ noteId, raterId: user.id, level, createdAt: iso(this.#clock.now()) });
    this.#dirty = true;
  }

  /** The Space's visible notes with their current status, in programme order. */
  async list(spaceId: string): Promise<ScoredNote[]> {
    await this.#spaces.get(spaceId);
    const notes = (await this.#store.notes.ofSpace(spaceId)).filter((n) => !n.hidden);
    const scores = await this.scores();
    return notes.map((note) => ({ note, score: scores.get(note.id) ?? UNRATED }));
  }

  /**
   * The model is fitted over every rating at once (a rater's side is learned from all their ratings).
   * Refitted when ratings changed since the last fit, concurrent readers sharing one fit. A fit blocks
   * the event loop, so once fits get costly they are spaced to at most 5 % of the time (a 200 ms fit
   * at most every 4 s) and readers get the previous scores meanwhile; fits under 10 ms are never spaced.
   */
  async scores(): Promise<Map<string, NoteScore>> {
    if (!this.#dirty && this.#clock.now() - this.#lastFitAt < this.#maxScoreAgeMs) return this.#scores;
    if (this.#scoring) return this.#scoring;
    if (this.#lastFitMs > CHEAP_FIT_MS && this.#clock.now() - this.#lastFitAt < this.#lastFitMs * 20) return this.#scores;
    this.#dirty = false;
    // Reading every rating is part of the cost (a synchronous read with SQLite), so it is timed too.
    const started = performance.now();
    this.#scoring = this.#store.notes.allRatings()
      .then((ratings) => {
        this.#scores = scoreNotes(ratings).notes;
        this.#lastFitMs = performance.now() - started;
        this.#lastFitAt = this.#clock.now();
        return this.#scores;
      })
      .finally(() => { this.#scoring = null; });
    return this.#scoring;
  }
}
