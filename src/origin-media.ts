import { performance } from 'node:perf_hooks';
import type { Audience, StreamEpoch } from './audience/index.js';
import { ContinuousProgramme } from './audience/index.js';
import type { CaptionsWiring } from './captions-wiring.js';
import type { LocalMedia } from './cluster/local-media.js';
import type { ProgrammeRelay, RelayedFrame } from './cluster/programme-relay.js';
import type { ProgramSink } from './media/types.js';
import type { StageMedia } from './stage/index.js';

/** A standby conceals with silence once the primary's programme has been missing this long. */
export const STANDBY_CONCEAL_AFTER_MS = 300;
const STANDBY_CHECK_MS = 50;
/** While the primary is silent, the reconciler is asked to look at most this often (it probes the primary). */
const SILENT_KICK_EVERY_MS = 250;

interface Standby {
  readonly unsubscribe: () => void;
  readonly timer: NodeJS.Timeout;
  /** When it began standing by (performance.now()): silence counts from there until a first frame. */
  readonly since: number;
  programme: ContinuousProgramme | undefined;
  epoch: StreamEpoch | undefined;
  lastKick: number;
}

/** How long the primary's programme has been missing at this standby: since it began, before any frame. */
const silentFor = (standby: Standby): number => standby.programme?.silentForMs() ?? performance.now() - standby.since;

const sameEpoch = (a: StreamEpoch | undefined, b: StreamEpoch): boolean =>
  a !== undefined && a.pts === b.pts && a.msn === b.msn && a.decodeTime === b.decodeTime && a.fragmentSequence === b.fragmentSequence;

/**
 * Drives this origin's stage and audience planes for the reconciler: the Spaces it runs (mixer,
 * packager, captions) and the Spaces it stands by for. A primary relays every programme frame it
 * packages; a standby packages the relayed frames on the primary's timeline (the same names and
 * bytes), records them, conceals with silence when they stop, and on promotion its own mixer carries
 * the same timeline on.
 */
export function originMedia(deps: {
  stageMedia: StageMedia; audience: Audience; captions: CaptionsWiring; maxSessions: number;
  /** Absent: no standby (a cluster without a relay, or the tests of one origin). */
  relay?: ProgrammeRelay;
  /** The primary's programme went missing here: look at the leases now. */
  onPrimarySilent?: (spaceId: string) => void;
  /** Where the changes of role are told (an operator reads a failover from them). */
  log?: { info(obj: object, msg: string): void };
}): LocalMedia {
  const say = (spaceId: string, msg: string, extra: object = {}): void => deps.log?.info({ spaceId, ...extra }, msg);
  const { stageMedia, audience, captions, relay } = deps;
  const seats = new Map<string, Map<string, boolean>>();
  const standbys = new Map<string, Standby>();

  /** The stream's sink, relaying each frame while this origin is the Space's primary. */
  const relaying = (spaceId: string, local: ProgramSink): ProgramSink => ({
    push: (frame) => {
      local.push(frame);
      // After the local push: the first frame fixes the epoch. The part that frame may close is only
      // served in a later turn of the event loop, by which time the relay's write is in the kernel.
      const epoch = seats.has(spaceId) ? audience.epoch(spaceId) : undefined;
      if (relay && epoch) relay.publish(spaceId, { epoch, frame });
    },
    end: () => local.end(),
  });

  const follow = (spaceId: string, standby: Standby, { epoch, frame }: RelayedFrame): void => {
    if (!sameEpoch(standby.epoch, epoch)) {
      // The first frame, or the primary began a new timeline (an origin that took the Space cold).
      say(spaceId, standby.epoch ? 'standby: the primary began a new timeline, following it' : 'standby: packaging the relayed programme', { epoch });
      standby.epoch = epoch;
      standby.programme = new ContinuousProgramme(relaying(spaceId, audience.begin(spaceId, { join: epoch })));
    }
    standby.programme!.relayed(frame);
  };

  async function standDown(spaceId: string): Promise<void> {
    const standby = standbys.get(spaceId);
    if (!standby) return;
    standbys.delete(spaceId);
    standby.unsubscribe();
    clearInterval(standby.timer);
    say(spaceId, 'standby: standing down');
    if (standby.programme) await audience.handOverFollowed(spaceId);
  }

  return {
    running: () => [...seats.keys()],
    standing: () => [...standbys.keys()],
    async open(spaceId) {
      if (seats.has(spaceId)) return;
      const standby = standbys.get(spaceId);
      if (standby?.programme) {
        // Promotion: the relay stops, the timeline goes on, the mixer takes over from the silence.
        say(spaceId, 'standby promoted: mixing here on the same timeline', { silentForMs: Math.round(standby.programme.silentForMs()) });
        standbys.delete(spaceId);
        standby.unsubscribe();
        const programme = standby.programme;
        seats.set(spaceId, new Map());
        stageMedia.openSpace(spaceId, programme.takeOver());
        const stopConcealing = setInterval(() => {
          if (programme.mixing || !seats.has(spaceId)) { clearInterval(stopConcealing); clearInterval(standby.timer); }
        }, STANDBY_CHECK_MS);
        stopConcealing.unref();
        // The mixer first; then what the primary stored before this origin joined (the cue log the
        // captions continue, the segments a replay lists), then the captions.
        await audience.refreshRecording(spaceId);
        if (seats.has(spaceId)) captions.spaceLive(spaceId);
        return;
      }
      if (standby) await standDown(spaceId);
      say(spaceId, 'running the Space here');
      // What other origins stored of this recording first: the stream continues after it.
      await audience.prepare(spaceId);
      if (seats.has(spaceId)) return;
      seats.set(spaceId, new Map());
      stageMedia.openSpace(spaceId, relaying(spaceId, audience.begin(spaceId)));
      captions.spaceLive(spaceId);
    },
    async close(spaceId, why, options) {
      if (!seats.has(spaceId)) return;
      seats.delete(spaceId);
      say(spaceId, why === 'ended' ? 'the Space ended' : 'handing the Space over', { followed: options?.followed === true });
      captions.spaceEnded(spaceId);
      // Before the lease is released: the next origin continues the recording after what is stored
      // (or, a hot standby, the very timeline, so the open segment is left to it whole).
      if (why === 'handed-over') await (options?.followed ? audience.handOverFollowed(spaceId) : audience.handOver(spaceId));
      await stageMedia.closeSpace(spaceId);
      if (why === 'ended') await audience.flushRecording(spaceId);
    },
    async standBy(spaceId) {
      if (!relay || standbys.has(spaceId) || seats.has(spaceId)) return;
      await audience.prepare(spaceId);
      if (standbys.has(spaceId) || seats.has(spaceId)) return;
      const standby: Standby = {
        programme: undefined,
        epoch: undefined,
        since: performance.now(),
        lastKick: -Infinity,
        unsubscribe: relay.subscribe(spaceId, (relayed) => follow(spaceId, standby, relayed)),
        timer: setInterval(() => {
          if (standby.programme?.mixing || silentFor(standby) < STANDBY_CONCEAL_AFTER_MS) return;
          standby.programme?.conceal();
          const now = performance.now();
          if (standbys.get(spaceId) === standby && now - standby.lastKick >= SILENT_KICK_EVERY_MS) {
            standby.lastKick = now;
            deps.onPrimarySilent?.(spaceId);
          }
        }, STANDBY_CHECK_MS),
      };
      standby.timer.unref();
      standbys.set(spaceId, standby);
      say(spaceId, 'standing by');
    },
    standDown,
    primarySilentForMs(spaceId) {
      const standby = standbys.get(spaceId);
      return standby ? silentFor(standby) : 0;
    },
    syncSeats(spaceId, wanted) {
      const applied = seats.get(spaceId);
      if (!applied) return;
      const next = new Map(wanted.map((s) => [s.id, s.muted]));
      for (const id of applied.keys()) if (!next.has(id)) stageMedia.removeSeat(spaceId, id);
      for (const [id, muted] of next) if (applied.get(id) !== muted && (applied.has(id) || muted)) stageMedia.setMuted(spaceId, id, muted);
      seats.set(spaceId, next);
    },
    load: () => sessionLoad(stageMedia, deps.maxSessions),
  };
}

export const sessionLoad = (stageMedia: StageMedia, maxSessions: number): number => {
  const { sessions } = stageMedia.stats();
  return (sessions.whip + sessions.whep) / maxSessions;
};
