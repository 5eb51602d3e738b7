import { solve, type PowChallenge } from './proof-of-work.js';
import { dropTicket, keepTicket, setWaiting, spaceOfPath, TICKET_HEADER, ticketFor } from './waiting-room.js';
import type { Clip, InviteCheck, Participant, Profile, Question, SessionView, Space, SpaceState, SpeakRequest, StageRole, StageToken, User } from './types.js';

/** An API error, by its catalogue code (docs/errors.md): pages branch on `code`, never on the message. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

const ROOM_REFUSALS = new Set(['ROOM_TICKET_INVALID', 'ROOM_TICKET_EXPIRED', 'ROOM_TICKET_OTHER_SPACE']);

/**
 * Same-origin JSON calls. The session cookie (httpOnly, set at login) authenticates the browser;
 * `bearer` is only for a guest speaker's stage token, which no cookie carries. A call the waiting
 * room holds waits there (lib/waiting-room.ts) and resolves once admitted.
 */
export async function call<T>(method: string, path: string, body?: unknown, bearer?: string, proof?: string, action = Symbol(path)): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  if (proof) headers['x-tribune-pow'] = proof;
  const space = spaceOfPath(path);
  const ticket = method === 'POST' ? ticketFor(space) : undefined;
  if (ticket) headers[TICKET_HEADER] = ticket;
  const res = await fetch(path, { method, headers, credentials: 'same-origin', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const handed = res.headers.get(TICKET_HEADER);
  if (handed) keepTicket(handed);
  if (res.ok) setWaiting(action, null);
  if (res.status === 204 || res.status === 202) return undefined as T;
  const text = await res.text();
  const json = text ? (JSON.parse(text) as unknown) : undefined;
  if (!res.ok) {
    const err = (json as { error?: { code?: string; message?: string; details?: PowChallenge & { position?: number; estimatedWaitSeconds?: number; retryAfter?: number } } } | undefined)?.error;
    // Under attack the server asks anonymous writes for a proof of work: solve it once and retry.
    if (err?.code === 'POW_REQUIRED' && err.details && !proof) return call<T>(method, path, body, bearer, await solve(err.details), action);
    if (err?.code === 'WAITING_ROOM' && err.details) {
      setWaiting(action, { position: err.details.position ?? 0, estimatedWaitSeconds: err.details.estimatedWaitSeconds ?? 0 });
      await new Promise((r) => setTimeout(r, (err.details!.retryAfter ?? 20) * 1000));
      return call<T>(method, path, body, bearer, undefined, action);
    }
    // A ticket the room no longer knows (expired, or from elsewhere): queue afresh, once.
    if (err?.code && ROOM_REFUSALS.has(err.code) && ticket) {
      dropTicket(ticket);
      return call<T>(method, path, body, bearer, undefined, action);
    }
    setWaiting(action, null);
    throw new ApiError(res.status, err?.code ?? 'HTTP_' + res.status, err?.message ?? res.statusText);
  }
  return json as T;
}

const V1 = '/api/v1';
const sp = (id: string) => `${V1}/spaces/${encodeURIComponent(id)}`;

export const api = {
  me: () => call<User>('GET', `${V1}/me`),
  register: (handle: string, password: string, displayName?: string) =>
    call<SessionView>('POST', `${V1}/auth/register`, { handle, password, ...(displayName ? { displayName } : {}) }),
  login: (handle: string, password: string) => call<SessionView>('POST', `${V1}/auth/login`, { handle, password }),
  logout: () => call<void>('POST', `${V1}/auth/logout`),

  spaces: (state: string, mine = false) => call<{ spaces: Space[] }>('GET', `${V1}/spaces?state=${state}${mine ? '&mine=true' : ''}`),
  space: (id: string) => call<Space>('GET', sp(id)),
  createSpace: (input: { title: string; description?: string; scheduledStart?: string; timeZone?: string; language?: string }) => call<Space>('POST', `${V1}/spaces`, input),
  updateSpace: (id: string, patch: { title?: string; description?: string; language?: string; scheduledStart?: string; timeZone?: string }) => call<Space>('PATCH', sp(id), patch),
  deleteSpace: (id: string) => call<void>('DELETE', sp(id)),
  transition: (id: string, action: 'start' | 'end' | 'cancel') => call<Space>('POST', `${sp(id)}/${action}`),
  state: (id: string) => call<SpaceState>('GET', `${sp(id)}/state`),
  listenerHistory: (id: string) => call<{ peak: number; minutes: Array<{ minute: string; count: number }> }>('GET', `${sp(id)}/listeners`),

  stage: (id: string) => call<{ participants: Participant[] }>('GET', `${sp(id)}/stage`),
  invite: (id: string, role: 'speaker' | 'cohost') => call<StageToken>('POST', `${sp(id)}/stage-tokens`, { role }),
  checkInvite: (id: string, token: string) => call<InviteCheck>('POST', `${sp(id)}/stage-tokens/check`, { token }, token),
  /** `asAccount`: the session cookie speaks, so the seat is bound to the logged-in account (a co-host's studio then works). */
  redeem: (id: string, token: string, displayName?: string, asAccount = false) =>
    call<Participant>('POST', `${sp(id)}/stage-tokens/redeem`, { token, ...(displayName ? { displayName } : {}) }, asAccount ? undefined : token),
  mute: (id: string, participantId: string, muted: boolean, bearer?: string) =>
    call<Participant>('POST', `${sp(id)}/participants/${participantId}/mute`, { muted }, bearer),
  setRole: (id: string, participantId: string, role: 'cohost' | 'speaker') => call<Participant>('POST', `${sp(id)}/participants/${participantId}/role`, { role }),
  remove: (id: string, participantId: string) => call<void>('DELETE', `${sp(id)}/participants/${participantId}`),
  leave: (id: string, bearer?: string) => call<void>('POST', `${sp(id)}/stage/leave`, undefined, bearer),
  requestToSpeak: (id: string) => call<SpeakRequest>('POST', `${sp(id)}/speak-requests`),
  withdrawRequest: (id: string) => call<void>('DELETE', `${sp(id)}/speak-requests/mine`),
  speakRequests: (id: string) => call<{ requests: SpeakRequest[] }>('GET', `${sp(id)}/speak-requests`),
  answerRequest: (id: string, userId: string, approve: boolean) => call<{ participant: Participant | null }>('POST', `${sp(id)}/speak-requests/${userId}`, { approve }),

  questions: (id: string, state?: string) => call<{ questions: Question[] }>('GET', `${sp(id)}/questions${state ? `?state=${state}` : ''}`),
  ask: (id: string, text: string, anonymous = false) => call<Question>('POST', `${sp(id)}/questions`, { text, anonymous }),
  vote: (id: string, questionId: string) => call<Question>('POST', `${sp(id)}/questions/${questionId}/vote`),
  questionAction: (id: string, questionId: string, action: 'approve' | 'dismiss' | 'highlight' | 'answer') =>
    call<Question>('POST', `${sp(id)}/questions/${questionId}/action`, { action }),

  makeClip: (id: string, fromMs: number, durationMs: number) => call<Clip>('POST', `${sp(id)}/clips`, { fromMs, durationMs }),
  clip: (id: string, clipId: string) => call<Clip>('GET', `${sp(id)}/clips/${encodeURIComponent(clipId)}`),
  profile: (handle: string) => call<Profile>('GET', `${V1}/profiles/${encodeURIComponent(handle)}`),

  listenerToken: (id: string) => call<{ listenerToken: string; heartbeatSeconds: number }>('POST', `${sp(id)}/listener-token`),
  heartbeat: (id: string, listenerToken: string) => call<void>('POST', `${sp(id)}/heartbeat`, { listenerToken }),
  react: (id: string, reaction: string) => call<void>('POST', `${sp(id)}/reactions`, { reaction }),
};

export type { StageRole };
