import type { FastifyInstance, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import { Type } from '@sinclair/typebox';
import type { Space, User } from '../../domain/types.js';
import { TribuneError } from '../../errors/catalogue.js';
import { renderCalendar, type CalendarSpace } from '../../sharing/event-calendar.js';
import { oembedRich, profileHead, spaceHead } from '../../sharing/page-heads.js';
import { renderPodcastFeed } from '../../sharing/podcast-feed.js';
import { renderCard } from '../../sharing/share-card.js';
import type { ControlContext } from '../context.js';
import { absoluteBaseUrl, presentSpaces } from '../presenters.js';
import { ErrorBody, Handle, Id, ProfileView, SpaceParams } from '../schemas.js';

const strict = { additionalProperties: false } as const;
const HandleParams = Type.Object({ handle: Handle }, strict);
const CardQuery = Type.Object({ v: Type.Optional(Type.String({ pattern: '^[a-z0-9-]{1,40}$' })) }, strict);
const OembedQuery = Type.Object({
  url: Type.String({ minLength: 1, maxLength: 2000 }),
  format: Type.Optional(Type.String({ maxLength: 10 })),
  maxwidth: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,4}$' })),
  maxheight: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,4}$' })),
}, strict);

/** How many Spaces a profile, a feed or a calendar lists. */
const LIST_LIMIT = 50;
const FEED_CACHE = 'public, max-age=300';

/** A short, language-neutral status for previews and the image card, in the host's zone. */
export function spaceStatus(space: Space): string {
  if (space.state === 'live') return 'LIVE NOW';
  if (space.state === 'ended') return 'Replay';
  if (space.state === 'cancelled') return 'Cancelled';
  if (!space.scheduledStart) return 'Upcoming';
  const when = new Intl.DateTimeFormat('en-GB', {
    weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', timeZoneName: 'short',
    timeZone: space.timeZone ?? 'UTC',
  }).format(new Date(space.scheduledStart));
  return `Upcoming · ${when}`;
}

/**
 * Everything that carries a Space or a host beyond the app: calendars (one event, a host's feed),
 * the podcast feed, the image card, oEmbed, a host's public profile, and the heads the server writes
 * into the listener, profile and embed pages.
 */
export function sharingRoutes(app: FastifyInstance, ctx: ControlContext): void {
  const base = (request: FastifyRequest) => absoluteBaseUrl(request, ctx.config.publicUrl);
  const hostOf = async (space: Space) => (await ctx.users.byId(space.hostId))?.displayName ?? 'unknown';
  const calendarEntry = async (request: FastifyRequest, space: Space, hostName?: string): Promise<CalendarSpace> => ({
    ...space, hostName: hostName ?? await hostOf(space), url: `${base(request)}/s/${space.id}`,
  });
  async function userByHandle(handle: string): Promise<User> {
    const user = await ctx.users.byHandle(handle);
    if (!user) throw new TribuneError('HANDLE_NOT_FOUND', { handle });
    return user;
  }
  const hostSpaces = (user: User) => ctx.spaces.list({ hostId: user.id, limit: LIST_LIMIT });

  app.get('/api/v1/spaces/:spaceId/event.ics', {
    schema: { tags: ['spaces'], summary: 'The Space as an iCalendar event (add to calendar)', params: SpaceParams, response: { '4xx': ErrorBody } },
  }, async (request, reply) => {
    const space = await ctx.spaces.get((request.params as { spaceId: string }).spaceId);
    const body = renderCalendar([await calendarEntry(request, space)], { name: space.title, host: request.host, timeZone: space.timeZone });
    return reply.header('cache-control', 'public, max-age=60')
      .header('content-disposition', `attachment; filename="${space.id}.ics"`)
      .type('text/calendar; charset=utf-8').send(body);
  });

  // Rendering costs ~20 ms of CPU: the same card (Space, state, title) is rendered once, and a client
  // that varies the query to dodge caches still hits this memo (bounded, oldest out first).
  const cards = new Map<string, Buffer>();
  const CARD_MEMO = 256;

  app.get('/api/v1/spaces/:spaceId/card.png', {
    schema: { tags: ['spaces'], summary: 'The link-preview image (1200×630 PNG)', params: SpaceParams, querystring: CardQuery, response: { '4xx': ErrorBody } },
  }, async (request, reply) => {
    const space = await ctx.spaces.get((request.params as { spaceId: string }).spaceId);
    const host = await hostOf(space);
    const status = spaceStatus(space);
    const key = JSON.stringify([space.id, space.title, host, status]);
    let png = cards.get(key);
    if (!png) {
      png = renderCard({ title: space.title, host, status, live: space.state === 'live' });
      cards.set(key, png);
      if (cards.size > CARD_MEMO) cards.delete(cards.keys().next().value!);
    }
    return reply.header('cache-control', 'public, max-age=300').type('image/png').send(png);
  });

  app.get('/api/v1/spaces/:spaceId/qr.svg', {
    schema: { tags: ['spaces'], summary: 'A QR code of the listener page\'s link (SVG)', params: SpaceParams, response: { '4xx': ErrorBody } },
  }, async (request, reply) => {
    const space = await ctx.spaces.get((request.params as { spaceId: string }).spaceId);
    const svg = await QRCode.toString(`${base(request)}/s/${space.id}`, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' });
    return reply.header('cache-control', 'public, max-age=86400').type('image/svg+xml').send(svg);
  });

  app.get('/oembed', {
    schema: { tags: ['spaces'], summary: 'oEmbed for listener pages: a "rich" answer with an iframe of /embed/{spaceId}', querystring: OembedQuery, response: { '4xx': ErrorBody, '5xx': ErrorBody } },
  }, async (request, reply) => {
    const q = request.query as { url: string; format?: string; maxwidth?: string; maxheight?: string };
    if (q.format !== undefined && q.format !== 'json') throw new TribuneError('OEMBED_FORMAT_UNSUPPORTED', { format: q.format });
    let path = '';
    try { path = new URL(q.url, base(request)).pathname; } catch { /* not a URL */ }
    const id = /^\/(?:s|embed)\/([a-z]{1,3}_[A-Za-z0-9_-]{12})\/?$/.exec(path)?.[1];
    if (!id) throw new TribuneError('OEMBED_URL_UNSUPPORTED', { url: q.url.slice(0, 200) });
    const space = await ctx.spaces.get(id);
    const host = await ctx.users.byId(space.hostId);
    return reply.header('cache-control', 'public, max-age=60').send(oembedRich({
      title: space.title, host: host?.displayName ?? 'unknown', hostUrl: `${base(request)}/u/${host?.handle ?? ''}`,
      embedUrl: `${base(request)}/embed/${space.id}`, thumbnailUrl: `${base(request)}/api/v1/spaces/${space.id}/card.png?v=${space.state}`,
      maxWidth: q.maxwidth ? Number(q.maxwidth) : undefined, maxHeight: q.maxheight ? Number(q.maxheight) : undefined,
    }));
  });

  app.get('/api/v1/profiles/:handle', {
    schema: { tags: ['accounts'], summary: 'A host\'s public profile: live, upcoming and replayed Spaces', params: HandleParams, response: { 200: ProfileView, '4xx': ErrorBody } },
  }, async (request) => {
    const user = await userByHandle((request.params as { handle: string }).handle);
    const spaces = await hostSpaces(user);
    const present = (page: Space[]) => presentSpaces(ctx, base(request), page);
    const upcoming = spaces.filter((s) => s.state === 'scheduled')
      .sort((a, b) => Date.parse(a.scheduledStart ?? a.createdAt) - Date.parse(b.scheduledStart ?? b.createdAt));
    return {
      handle: user.handle, displayName: user.displayName,
      rssUrl: `${base(request)}/api/v1/profiles/${user.handle}/feed.rss`,
      calendarUrl: `${base(request)}/api/v1/profiles/${user.handle}/calendar.ics`,
      live: await present(spaces.filter((s) => s.state === 'live')),
      upcoming: await present(upcoming),
      replays: await present(await filterAsync(spaces, async (s) => s.state === 'ended' && await ctx.replays.hasReplay(s.id))),
    };
  });

  app.get('/api/v1/profiles/:handle/feed.rss', {
    schema: { tags: ['accounts'], summary: 'The host\'s replays as a podcast (RSS 2.0 with enclosures)', params: HandleParams, response: { '4xx': ErrorBody } },
  }, async (request, reply) => {
    const user = await userByHandle((request.params as { handle: string }).handle);
    const b = base(request);
    const episodes = [];
    for (const s of await hostSpaces(user)) {
      const bytes = s.state === 'ended' ? await ctx.replays.recordingBytes(s.id) : null;
      if (bytes === null) continue;
      episodes.push({
        id: s.id, title: s.title, description: s.description, url: `${b}/s/${s.id}`,
        publishedAt: s.endedAt ?? s.createdAt, audioUrl: `${b}/hls/${s.id}/recording.m4a`, audioBytes: bytes,
        durationSeconds: s.startedAt && s.endedAt ? (Date.parse(s.endedAt) - Date.parse(s.startedAt)) / 1000 : 0,
      });
    }
    const body = renderPodcastFeed({
      title: `${user.displayName} on Tribune`, description: `Replays of the live conversations hosted by ${user.displayName}.`,
      link: `${b}/u/${user.handle}`, feedUrl: `${b}/api/v1/profiles/${user.handle}/feed.rss`, author: user.displayName,
      language: 'en', episodes,
    });
    return reply.header('cache-control', FEED_CACHE).type('application/rss+xml; charset=utf-8').send(body);
  });

  app.get('/api/v1/profiles/:handle/calendar.ics', {
    schema: { tags: ['accounts'], summary: 'The host\'s Spaces as a calendar feed (subscribe with webcal://)', params: HandleParams, response: { '4xx': ErrorBody } },
  }, async (request, reply) => {
    const user = await userByHandle((request.params as { handle: string }).handle);
    const spaces = (await hostSpaces(user)).filter((s) => s.state !== 'cancelled' || s.scheduledStart);
    const entries = await Promise.all(spaces.map((s) => calendarEntry(request, s, user.displayName)));
    const body = renderCalendar(entries, { name: `${user.displayName} on Tribune`, host: request.host, refreshMinutes: 60 });
    return reply.header('cache-control', FEED_CACHE).type('text/calendar; charset=utf-8').send(body);
  });
}

/** The heads the server writes into pages (see src/webapp/routes.ts): previews, oEmbed and feed discovery. */
const ID = new RegExp(Id.pattern ?? '^$');

export function pageHeads(ctx: ControlContext) {
  const base = (request: FastifyRequest) => absoluteBaseUrl(request, ctx.config.publicUrl);
  const spaceOf = async (request: FastifyRequest) => {
    const id = (request.params as { spaceId?: string }).spaceId ?? '';
    if (!ID.test(id)) return null;
    // A crowd opening the link at once reads the Space from the one-second cache, not the store.
    return ctx.spaces.getRecent(id).catch(() => null);
  };
  async function spacePage(request: FastifyRequest) {
    const space = await spaceOf(request);
    if (!space) return { head: '<meta name="robots" content="noindex">', status: 404 };
    const b = base(request);
    const host = await ctx.users.byId(space.hostId);
    const pageUrl = `${b}/s/${space.id}`;
    return {
      head: spaceHead({
        title: space.title, description: space.description, host: host?.displayName ?? 'unknown', status: spaceStatus(space),
        pageUrl, imageUrl: `${b}/api/v1/spaces/${space.id}/card.png?v=${space.state}`,
        oembedUrl: `${b}/oembed?url=${encodeURIComponent(pageUrl)}&format=json`,
        icsUrl: `${b}/api/v1/spaces/${space.id}/event.ics`, startTime: space.scheduledStart ?? space.startedAt,
      }),
    };
  }
  return {
    '/s/:spaceId': spacePage,
    '/s/:spaceId/clips/:clipId': async (request: FastifyRequest) => {
      const written = await spacePage(request);
      const clipId = (request.params as { clipId?: string }).clipId ?? '';
      const clip = written.status ? null : await ctx.replays.clip((request.params as { spaceId: string }).spaceId, clipId).catch(() => null);
      if (!clip) return { head: '<meta name="robots" content="noindex">', status: 404 };
      const b = base(request);
      const audio = `${b}/hls/${(request.params as { spaceId: string }).spaceId}/clips/${clip.id}.m4a`;
      return { head: `${written.head}\n<meta property="og:audio" content="${audio}">\n<meta property="og:audio:type" content="audio/mp4">` };
    },
    '/embed/:spaceId': spacePage,
    '/u/:handle': async (request: FastifyRequest) => {
      const handle = (request.params as { handle?: string }).handle ?? '';
      const user = /^[A-Za-z0-9_]{3,30}$/.test(handle) ? await ctx.users.byHandle(handle) : null;
      if (!user) return { head: '<meta name="robots" content="noindex">', status: 404 };
      const b = base(request);
      return {
        head: profileHead({
          name: user.displayName, handle: user.handle, pageUrl: `${b}/u/${user.handle}`,
          rssUrl: `${b}/api/v1/profiles/${user.handle}/feed.rss`, calendarUrl: `${b}/api/v1/profiles/${user.handle}/calendar.ics`,
        }),
      };
    },
  };
}

async function filterAsync<T>(items: readonly T[], keep: (item: T) => Promise<boolean>): Promise<T[]> {
  const kept = await Promise.all(items.map(keep));
  return items.filter((_, i) => kept[i]);
}
