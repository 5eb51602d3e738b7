import type { FastifyRequest } from 'fastify';
import type { Participant, Space, SpeakRequest, User } from '../domain/types.js';
import type { ReplayService } from '../services/replays.js';
import type { UserDirectory } from '../services/user-directory.js';
import { publicBaseUrl, spaceUrls } from '../services/views.js';

export { presentQuestion, publicBaseUrl } from '../services/views.js';

/** Where a Space's view reads its host and whether a replay exists. */
export interface SpaceViewSources { readonly users: UserDirectory; readonly replays: ReplayService }

/**
 * For the few formats that must carry absolute URLs (link previews, oEmbed, calendars, feeds): the
 * public URL, else the address the client used. Those answers are never kept by the shipped edge
 * (it caches only /hls/ and the room state); set --public-url in production so they never depend on
 * the request.
 */
export function absoluteBaseUrl(request: FastifyRequest, publicUrl: string | undefined): string {
  return publicUrl ? publicBaseUrl(publicUrl) : `${request.protocol}://${request.host}`;
}

/** A page of Spaces as the API shows them: their hosts read in one query, whatever the page's length. */
export async function presentSpaces(views: SpaceViewSources, base: string, spaces: readonly Space[]) {
  const hosts = await views.users.hostsOf(spaces);
  return Promise.all(spaces.map((space) => presentSpace(views, base, space, hosts.get(space.hostId) ?? null)));
}

export async function presentSpace(views: SpaceViewSources, base: string, space: Space, host?: User | null) {
  const known = host === undefined ? await views.users.byId(space.hostId) : host;
  return {
    id: space.id, title: space.title, description: space.description, language: space.language, state: space.state,
    host: { id: space.hostId, handle: known?.handle ?? 'unknown', displayName: known?.displayName ?? 'unknown' },
    scheduledStart: space.scheduledStart, timeZone: space.timeZone,
    createdAt: space.createdAt, startedAt: space.startedAt, endedAt: space.endedAt,
    limits: { maxOnStage: space.maxOnStage, maxCohosts: space.maxCohosts },
    ...(await spaceUrls(base, space, (id) => views.replays.hasReplay(id))),
  };
}

export function presentUser(user: User) {
  return { id: user.id, handle: user.handle, displayName: user.displayName, platformRole: user.platformRole, createdAt: user.createdAt };
}

export function presentParticipant(p: Participant) {
  return { id: p.id, userId: p.userId, displayName: p.displayName, role: p.role, muted: p.muted, joinedAt: p.joinedAt };
}

export async function presentRequest(r: SpeakRequest, lookup: (id: string) => Promise<User | null>) {
  const user = await lookup(r.userId);
  return {
    id: r.id, userId: r.userId, state: r.state, createdAt: r.createdAt, answeredAt: r.answeredAt,
    user: user ? { handle: user.handle, displayName: user.displayName } : null,
  };
}
