import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../../lib/api.js';
import { openLiveChannel } from '../../lib/live-channel.js';
import type { LiveEvent, Participant, Question, Space, SpeakRequest } from '../../lib/types.js';

/** Events that say nothing about the lists: levels, counts and the channel's own messages. */
const NOT_LIST_CHANGES = new Set<LiveEvent['type']>(['stage.levels', 'reactions', 'listeners', 'hello', 'pong', 'error']);

export interface StudioData {
  readonly space: Space | null;
  readonly participants: Participant[];
  readonly requests: SpeakRequest[];
  readonly questions: Question[];
  /** Speaking levels from the stage channel (4 Hz), fresher than the 1 s room state. */
  readonly levels: Record<string, { level: number; speaking: boolean }>;
  readonly reload: () => Promise<void>;
  readonly setSpace: (space: Space) => void;
}

/**
 * The Space and the three lists the studio acts on, re-read when the stage channel says something
 * changed (events carry ids, not views), at most once per 100 ms burst.
 */
/**
 * `onMedia`: the stage plane's word on a seat's media (connected, reconnecting, disconnected);
 * `onChannelClose`: the stage channel closed (its origin may be gone). A `resync` from the channel
 * (it could not replay what was missed) re-reads the lists like any change.
 */
export function useStudioData(spaceId: string, enabled: boolean, onError: (err: unknown) => void,
  onMedia?: (participantId: string, state: string) => void, onChannelClose?: () => void): StudioData {
  const [space, setSpace] = useState<Space | null>(null);
  const [participants, setParticipants] = useState<Participant[]>([]);
  const [requests, setRequests] = useState<SpeakRequest[]>([]);
  const [questions, setQuestions] = useState<Question[]>([]);
  const [levels, setLevels] = useState<Record<string, { level: number; speaking: boolean }>>({});
  const onMediaRef = useRef(onMedia);
  onMediaRef.current = onMedia;
  const onCloseRef = useRef(onChannelClose);
  onCloseRef.current = onChannelClose;

  async function reload() {
    const [sp, st, qs] = await Promise.all([api.space(spaceId), api.stage(spaceId), api.questions(spaceId, 'pending,approved')]);
    setSpace(sp);
    setParticipants(st.participants);
    setQuestions(qs.questions);
    setRequests(sp.state === 'live' || sp.state === 'scheduled' ? (await api.speakRequests(spaceId)).requests : []);
  }

  useEffect(() => {
    if (!enabled) return;
    reload().catch(onError);
    let pending: ReturnType<typeof setTimeout> | undefined;
    const close = openLiveChannel(spaceId, (e) => {
      if (e.type === 'stage.levels') { setLevels(e.levels); return; }
      if (e.type === 'stage.media') onMediaRef.current?.(e.participantId, e.state);
      if (NOT_LIST_CHANGES.has(e.type)) return;
      clearTimeout(pending);
      pending = setTimeout(() => void reload().catch(() => {}), 100);
    }, undefined, { onClose: () => onCloseRef.current?.() });
    return () => { clearTimeout(pending); close(); };
  }, [enabled, spaceId]);

  return { space, participants, requests, questions, levels, reload, setSpace };
}
