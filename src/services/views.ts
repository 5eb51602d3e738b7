import type { Question, Space, User } from '../domain/types.js';

/**
 * The read models services and routes share: plain functions of their inputs. URLs never come from
 * the request's Host (see `publicBaseUrl`).
 */

/**
 * The prefix of every URL handed out: the configured public URL, else nothing (paths relative to
 * whatever address the client used). Never the request's Host or X-Forwarded-Host: those are the
 * client's to choose, so an attacker could have other listeners' players fetch audio from their
 * host through any cache that keeps the answer, and behind an edge they name the edge's upstream.
 */
export function publicBaseUrl(publicUrl: string | undefined): string {
  return publicUrl ? publicUrl.replace(/\/+$/, '') : '';
}

export async function spaceUrls(base: string, space: Space, hasReplay: (spaceId: string) => Promise<boolean>) {
  const live = space.state === 'live';
  return {
    listenPageUrl: `${base}/s/${space.id}`,
    hlsUrl: live ? `${base}/hls/${space.id}/index.m3u8` : null,
    whepUrl: live ? `${base}/api/v1/spaces/${space.id}/whep` : null,
    whipUrl: live ? `${base}/api/v1/spaces/${space.id}/whip` : null,
    replayUrl: space.state === 'ended' && await hasReplay(space.id) ? `${base}/hls/${space.id}/replay.m3u8` : null,
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
