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
  close(spaceId: string, why: 'ended' | 'handed-over'): Promise<void>;
  /** Makes the media's seats match the store's: mutes, unmutes, and drops seats no longer there. */
  syncSeats(spaceId: string, seats: ReadonlyArray<{ id: string; muted: boolean }>): void;
  /** 0 (idle) to 1 (full). */
  load(): number;
}

/** Media that only remembers what it was told: for an origin without media planes (control-plane tests). */
export function bookkeepingMedia(): LocalMedia & { seats(spaceId: string): ReadonlyMap<string, boolean> | undefined } {
  const spaces = new Map<string, Map<string, boolean>>();
  return {
    running: () => [...spaces.keys()],
    async open(spaceId) { if (!spaces.has(spaceId)) spaces.set(spaceId, new Map()); },
    async close(spaceId) { spaces.delete(spaceId); },
    syncSeats(spaceId, seats) { spaces.set(spaceId, new Map(seats.map((s) => [s.id, s.muted]))); },
    load: () => 0,
    seats: (spaceId) => spaces.get(spaceId),
  };
}
