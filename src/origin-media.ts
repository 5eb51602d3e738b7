import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Audience, StreamEpoch } from './audience/index.js';
import { ContinuousProgramme, RELAY_LOST_AFTER_MS } from './audience/index.js';
import type { CaptionsWiring } from './captions-wiring.js';
import type { LocalMedia } from './cluster/local-media.js';
import { clusterMetrics } from './cluster/metrics.js';
import type { ProgrammeRelay, RelayMessage } from './cluster/programme-relay.js';
import { PROGRAM_FORMAT, type ProgramSink } from './media/types.js';
import type { StageMedia } from './stage/index.js';

const STANDBY_CHECK_MS = 50;
/**
 * A Space handed over to its standby waits at most this long for its clients to move there (they probe
 * their session every half second or second, then connect, then let this one go): one that does not
 * move by then comes back when this origin closes its session, as after a loss.
 */
const HAND_OVER_WITHIN_MS = 4_000;
const HAND_OVER_CHECK_MS = 50;
const FRAME_S = PROGRAM_FORMAT.frameMs / 1000;
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
  /** It holds the lease and its mixer runs; relayed frames still lead until the primary's last. */
  promoted: boolean;
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
  /** The primary's programme went missing here, or the primary passes the Space here: look at the leases now. */
  onPrimarySilent?: (spaceId: string) => void;
  /** Where the changes of role are told (an operator reads a failover from them). */
  log?: { info(obj: object, msg: string): void };
}): LocalMedia {
  const say = (spaceId: string, msg: string, extra: object = {}): void => deps.log?.info({ spaceId, ...extra }, msg);
  const { stageMedia, audience, captions, relay } = deps;
  const seats = new Map<string, Map<string, boolean>>();
  const standbys = new Map<string, Standby>();
  /** The pts of the last frame each Space running here relayed: its end marker on a hand-over. */
  const lastRelayed = new Map<string, number>();

  /** The stream's sink, relaying each frame while this origin is the Space's primary. */
  const relaying = (spaceId: string, local: ProgramSink): ProgramSink => ({
    push: (frame) => {
      local.push(frame);
      // After the local push: the first frame fixes the epoch. The part that frame may close is only
      // served in a later turn of the event loop, by which time the relay's write is in the kernel.
      const epoch = seats.has(spaceId) ? audience.epoch(spaceId) : undefined;
      if (!relay || !epoch) return;
      relay.publish(spaceId, { epoch, frame });
      lastRelayed.set(spaceId, frame.pts);
    },
    end: () => local.end(),
  });

  const follow = (spaceId: string, standby: Standby, message: RelayMessage): void => {
    if ('passing' in message) {
      say(spaceId, 'standby: the primary passes the Space here');
      deps.onPrimarySilent?.(spaceId);
      return;
    }
    if ('end' in message) {
      say(spaceId, 'standby: the primary relayed its last frame', { pts: message.end });
      standby.programme?.relayEnded();
      return;
    }
    const { epoch, frame } = message;
    if (!sameEpoch(standby.epoch, epoch)) {
      // Promoted, this origin's timeline is the Space's: a stray frame of another is not followed.
      if (standby.promoted) return;
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
        // Promotion: the timeline goes on, the mixer takes over from the primary's last frame (a
        // hand-over, whose speakers move here meanwhile) or from the silence (the primary died).
        say(spaceId, 'standby promoted: mixing here on the same timeline', { silentForMs: Math.round(standby.programme.silentForMs()) });
        standbys.delete(spaceId);
        standby.promoted = true;
        const programme = standby.programme;
        seats.set(spaceId, new Map());
        stageMedia.openSpace(spaceId, programme.takeOver(), (listener) => programme.heard(listener));
        const stopFollowing = setInterval(() => {
          if (!programme.mixing && seats.has(spaceId)) return;
          if (programme.mixing) {
            say(spaceId, 'mixing here', { silenceMs: programme.takeOverGap * PROGRAM_FORMAT.frameMs });
            clusterMetrics.promotions.inc({ after: programme.handedOver ? 'hand-over' : 'loss' });
            clusterMetrics.concealedSeconds.observe(programme.takeOverGap * FRAME_S);
          }
          clearInterval(stopFollowing);
          clearInterval(standby.timer);
          standby.unsubscribe();
        }, STANDBY_CHECK_MS);
        stopFollowing.unref();
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
      // Nothing is relayed any more (the Space is no longer running here): the standby mixes from the next frame.
      const end = lastRelayed.get(spaceId);
      lastRelayed.delete(spaceId);
      if (options?.followed && relay && end !== undefined) await relay.publishEnd(spaceId, { end });
      if (why === 'ended') await audience.flushRecording(spaceId);
    },
    async letSessionsMove(spaceId) {
      if (!seats.has(spaceId)) return;
      say(spaceId, 'handing over: the clients open their next sessions before this origin lets them go');
      stageMedia.moveOut(spaceId);
      await relay?.publishPassing(spaceId);
      // Every client, not only the speakers: a WHEP listener still here when the stream stops would hear the gap of a loss.
      const here = (): { publishing: number; listening: number } => {
        const s = stageMedia.stats().bySpace[spaceId];
        return { publishing: s?.publishing ?? 0, listening: s?.listeners ?? 0 };
      };
      const started = performance.now();
      for (let left = here(); seats.has(spaceId) && left.publishing + left.listening > 0 && performance.now() - started < HAND_OVER_WITHIN_MS; left = here()) {
        await sleep(HAND_OVER_CHECK_MS);
      }
      const left = here();
      say(spaceId, 'handing over: the clients moved', { ms: Math.round(performance.now() - started), stillHere: left });
      clusterMetrics.handOvers.inc({ outcome: left.publishing + left.listening === 0 ? 'moved' : 'timed-out' });
      clusterMetrics.handOverSeconds.observe((performance.now() - started) / 1000);
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
        promoted: false,
        unsubscribe: relay.subscribe(spaceId, (relayed) => follow(spaceId, standby, relayed)),
        timer: setInterval(() => {
          if (standby.programme?.mixing || silentFor(standby) < RELAY_LOST_AFTER_MS) return;
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
