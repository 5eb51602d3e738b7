/**
 * What the reconciler drives on its own origin: the media of the Spaces it runs. The composition root
 * implements it over the stage and audience planes; control never reaches media in another process.
 */
export interface LocalMedia {
  /** Spaces whose media runs here. */
  running(): string[];
  /** Starts the Space's media here (idempotent), continuing its recording wherever it was left. */
  open(spaceId: string): Promise<void>;
  /**
   * Stops it here: the Space ended, or another origin runs it now (a drain, a lost lease), which
   * continues its recording. Resolves once the recording is stored, so the next origin continues after it.
   */
  close(spaceId: string, why: 'ended' | 'handed-over', options?: { readonly followed?: boolean }): Promise<void>;
  /**
   * The Space was handed to its standby (the lease passed): its clients are told to open their next
   * session there, and this resolves once its speakers did (or after a bound). The caller closes it
   * afterwards, and the standby mixes from the frame after this origin's last.
   */
  letSessionsMove(spaceId: string): Promise<void>;
  /** Spaces this origin stands by for: a hot copy of another origin's stream, ready to take over. */
  standing(): string[];
  /**
   * Stands by for a Space another origin runs (idempotent): its programme relayed here, packaged on
   * its timeline, recorded. open() then promotes it without a break in the stream.
   */
  standBy(spaceId: string): Promise<void>;
  /** Stops standing by (the Space ended, or moved on). */
  standDown(spaceId: string): Promise<void>;
  /** How long the primary's programme has been missing here: since the last frame, or since standing by began when none came yet (0 when not standing by). */
  primarySilentForMs(spaceId: string): number;
  /** Makes the media's seats match the store's: mutes, unmutes, and drops seats no longer there. */
  syncSeats(spaceId: string, seats: ReadonlyArray<{ id: string; muted: boolean }>): void;
  /** 0 (idle) to 1 (full). */
  load(): number;
}

/** Media that only remembers what it was told: for an origin without media planes (control-plane tests). */
export function bookkeepingMedia(): LocalMedia & { seats(spaceId: string): ReadonlyMap<string, boolean> | undefined } {
  const spaces = new Map<string, Map<string, boolean>>();
  const standing = new Set<string>();
  return {
    running: () => [...spaces.keys()],
    standing: () => [...standing],
    async standBy(spaceId) { standing.add(spaceId); },
    async standDown(spaceId) { standing.delete(spaceId); },
    primarySilentForMs: () => 0,
    async open(spaceId) { standing.delete(spaceId); if (!spaces.has(spaceId)) spaces.set(spaceId, new Map()); },
    async close(spaceId) { spaces.delete(spaceId); },
    async letSessionsMove() { /* no sessions to move */ },
    syncSeats(spaceId, seats) { spaces.set(spaceId, new Map(seats.map((s) => [s.id, s.muted]))); },
    load: () => 0,
    seats: (spaceId) => spaces.get(spaceId),
  };
}
