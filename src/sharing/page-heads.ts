import { escapeHtml } from './escape.js';

export interface SpaceHead {
  readonly title: string;
  readonly description: string;
  readonly host: string;
  readonly status: string;
  readonly pageUrl: string;
  readonly imageUrl: string;
  readonly oembedUrl: string;
  readonly icsUrl: string;
  readonly startTime: string | null;
}

const meta = (attr: 'property' | 'name', key: string, value: string) => `<meta ${attr}="${key}" content="${escapeHtml(value)}">`;

/**
 * Open Graph and Twitter card tags for the listener page, plus its oEmbed discovery link: link
 * previews read the HTML and run no JavaScript, so these are written by the server into the page.
 */
export function spaceHead(h: SpaceHead): string {
  const description = [h.status, h.description.trim()].filter(Boolean).join(' — ').slice(0, 300);
  return [
    `<title>${escapeHtml(`${h.title} · Tribune`)}</title>`,
    meta('name', 'description', description),
    meta('property', 'og:type', 'website'),
    meta('property', 'og:site_name', 'Tribune'),
    meta('property', 'og:title', h.title),
    meta('property', 'og:description', description),
    meta('property', 'og:url', h.pageUrl),
    meta('property', 'og:image', h.imageUrl),
    meta('property', 'og:image:width', '1200'),
    meta('property', 'og:image:height', '630'),
    meta('property', 'og:image:alt', `${h.title} — ${h.host}`),
    ...(h.startTime ? [meta('property', 'event:start_time', h.startTime)] : []),
    meta('name', 'author', h.host),
    meta('name', 'twitter:card', 'summary_large_image'),
    meta('name', 'twitter:title', h.title),
    meta('name', 'twitter:description', description),
    meta('name', 'twitter:image', h.imageUrl),
    `<link rel="canonical" href="${escapeHtml(h.pageUrl)}">`,
    `<link rel="alternate" type="application/json+oembed" href="${escapeHtml(h.oembedUrl)}" title="${escapeHtml(h.title)}">`,
    `<link rel="alternate" type="text/calendar" href="${escapeHtml(h.icsUrl)}" title="${escapeHtml(h.title)}">`,
  ].join('\n');
}

/** The host's profile page: its podcast feed and calendar feed, discoverable by their link tags. */
export function profileHead(p: { name: string; handle: string; pageUrl: string; rssUrl: string; calendarUrl: string }): string {
  return [
    `<title>${escapeHtml(`${p.name} (@${p.handle}) · Tribune`)}</title>`,
    meta('property', 'og:type', 'profile'),
    meta('property', 'og:title', `${p.name} (@${p.handle})`),
    meta('property', 'og:url', p.pageUrl),
    `<link rel="alternate" type="application/rss+xml" href="${escapeHtml(p.rssUrl)}" title="${escapeHtml(p.name)}">`,
    `<link rel="alternate" type="text/calendar" href="${escapeHtml(p.calendarUrl)}" title="${escapeHtml(p.name)}">`,
  ].join('\n');
}

export const EMBED_WIDTH = 480;
export const EMBED_HEIGHT = 200;

/** The oEmbed answer (https://oembed.com, §2.3.4 "rich"): an iframe of the embeddable player page. */
export function oembedRich(o: { title: string; host: string; hostUrl: string; embedUrl: string; thumbnailUrl: string; maxWidth?: number | undefined; maxHeight?: number | undefined }) {
  const width = Math.min(EMBED_WIDTH, o.maxWidth ?? EMBED_WIDTH);
  const height = Math.min(EMBED_HEIGHT, o.maxHeight ?? EMBED_HEIGHT);
  return {
    version: '1.0', type: 'rich', provider_name: 'Tribune', title: o.title,
    author_name: o.host, author_url: o.hostUrl, width, height,
    html: `<iframe src="${escapeHtml(o.embedUrl)}" width="${width}" height="${height}" title="${escapeHtml(o.title)}" frameborder="0" allow="autoplay" loading="lazy"></iframe>`,
    thumbnail_url: o.thumbnailUrl, thumbnail_width: 1200, thumbnail_height: 630,
    cache_age: 60,
  };
}
