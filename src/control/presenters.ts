import type { FastifyRequest } from 'fastify';
import type { Participant, Question, Space, SpeakRequest, User } from '../domain/types.js';
import type { MediaHooks } from '../services/media-hooks.js';
import type { Store } from '../store/store.js';

/**
 * The prefix of every URL handed out: the configured public URL, else nothing (paths relative to
 * whatever address the client used). Never the request's Host or X-Forwarded-Host: those are the
 * client's to choose, so an attacker could have other listeners' players fetch audio from their
 * host through any cache that keeps the answer, and behind an edge they name the edge's upstream.
 */
export function publicBaseUrl(publicUrl: string | undefined): string {
  return publicUrl ? publicUrl.replace(/\/+$/, '') : '';
}

/**
 * For the few formats that must carry absolute URLs (link previews, oEmbed, calendars, feeds): the
 * public URL, else the address the client used. Those answers are never kept by the shipped edge
 * (it caches only /hls/ and the room state); set --public-url in production so they never depend on
 * the request.
 */
export function absoluteBaseUrl(request: FastifyRequest, publicUrl: string | undefined): string {
  return publicUrl ? publicBaseUrl(publicUrl) : `${request.protocol}://${request.host}`;
}

export async function spaceUrls(base: string, space: Space, media: MediaHooks) {
  const live = space.state === 'live';
  return {
    listenPageUrl: `${base}/s/${space.id}`,
    hlsUrl: live ? `${base}/hls/${space.id}/index.m3u8` : null,
    whepUrl: live ? `${base}/api/v1/spaces/${space.id}/whep` : null,
    whipUrl: live ? `${base}/api/v1/spaces/${space.id}/whip` : null,
    replayUrl: space.state === 'ended' && await media.hasReplay(space.id) ? `${base}/hls/${space.id}/replay.m3u8` : null,
  };
}

export async function presentSpace(store: Store, media: MediaHooks, base: string, space: Space) {
  const host = await store.users.byId(space.hostId);
  return {
    id: space.id, title: space.title, description: space.description, language: space.language, state: space.state,
    host: { id: space.hostId, handle: host?.handle ?? 'unknown', displayName: host?.displayName ?? 'unknown' },
    scheduledStart: space.scheduledStart, timeZone: space.timeZone,
    createdAt: space.createdAt, startedAt: space.startedAt, endedAt: space.endedAt,
    limits: { maxOnStage: space.maxOnStage, maxCohosts: space.maxCohosts },
    ...(await spaceUrls(base, space, media)),
  };
}

export function presentUser(user: User) {
  return { id: user.id, handle: user.handle, displayName: user.displayName, platformRole: user.platformRole, createdAt: user.createdAt };
}

export function presentParticipant(p: Participant) {
  return { id: p.id, userId: p.userId, displayName: p.displayName, role: p.role, muted: p.muted, joinedAt: p.joinedAt };
}

/** Users looked up once per response, however many questions they wrote. */
export function userLookup(store: Store): (id: string) => Promise<User | null> {
  const cache = new Map<string, Promise<User | null>>();
  return (id) => {
    let user = cache.get(id);
    if (!user) cache.set(id, (user = store.users.byId(id)));
    return user;
  };
}

/** Anonymous questions hide their author from everyone but moderators, who must be able to act on abuse. */
export async function presentQuestion(q: Question, lookup: (id: string) => Promise<User | null>, revealAnonymous = false) {
  const author = q.anonymous && !revealAnonymous ? null : await lookup(q.authorId);
  return {
    id: q.id, text: q.text, state: q.state, votes: q.votes, highlighted: q.highlighted, anonymous: q.anonymous,
    author: author ? { handle: author.handle, displayName: author.displayName } : null,
    createdAt: q.createdAt, answeredAt: q.answeredAt,
  };
}

export async function presentRequest(r: SpeakRequest, lookup: (id: string) => Promise<User | null>) {
  const user = await lookup(r.userId);
  return {
    id: r.id, userId: r.userId, state: r.state, createdAt: r.createdAt, answeredAt: r.answeredAt,
    user: user ? { handle: user.handle, displayName: user.displayName } : null,
  };
}
