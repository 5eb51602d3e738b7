import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * What the server writes into a page's <head> for this request (link previews and feed readers run
 * no JavaScript): tags, and a status (404 for an unknown Space or handle, the page still served).
 * Given by the composition root, so this module knows nothing of Spaces or accounts.
 */
export type PageHead = (request: FastifyRequest) => Promise<{ head: string; status?: number }>;

export interface WebappOptions {
  /** The Vite build output (dist/web): one HTML file per page and content-hashed assets/. */
  readonly distDir: string;
  /** Per page path (as in PAGES), the head written on the server. */
  readonly heads?: Readonly<Record<string, PageHead>>;
}

/**
 * Cache policy, for an HTTP cache in front as much as for browsers: assets are named by their
 * content hash, so they never change under a name (a year, immutable); the HTML pages name the
 * current assets, so they are cached briefly and revalidated by ETag.
 */
const ASSET_CACHE = 'public, max-age=31536000, immutable';
const PAGE_CACHE = 'public, max-age=60';

const EMBED_PATH = '/embed/:spaceId';
const EMBED_POLICY = [
  `default-src 'self'`, `script-src 'self'`, `style-src 'self' 'unsafe-inline'`, `img-src 'self' data: blob:`,
  `media-src 'self' blob:`, `connect-src 'self'`, `worker-src 'self' blob:`, `object-src 'none'`, `base-uri 'none'`,
  // No frame-ancestors: any page may frame the player (a `*` would still refuse non-network schemes).
].join('; ');

/** Page paths -> the HTML file that renders them. Anything else stays with the API's JSON 404. */
const PAGES: ReadonlyArray<[string, string]> = [
  ['/', 'index.html'],
  ['/s/:spaceId', 'listener.html'],
  ['/s/:spaceId/join', 'speaker.html'],
  ['/s/:spaceId/studio', 'studio.html'],
  ['/moderation', 'moderation.html'],
  ['/me/statements', 'statements.html'],
  ['/transparency', 'transparency.html'],
  ['/u/:handle', 'profile.html'],
  ['/s/:spaceId/clips/:clipId', 'clip.html'],
  // The only page another site may frame: its own route, so a frame-ancestors exception names it alone.
  [EMBED_PATH, 'embed.html'],
];

const MISSING_BUILD = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Tribune</title></head>
<body><main><h1>Tribune</h1><p>The web app is not built. Run <code>npm run build</code>, then restart the server.
The API is up: <a href="/api/openapi.json">/api/openapi.json</a>.</p></main></body></html>`;

interface Page { body: Buffer; etag: string }

function page(body: Buffer): Page {
  return { body, etag: `"${createHash('sha1').update(body).digest('base64url')}"` };
}

/** The template's own <title> gives way to the written one; the rest goes before </head>. */
function withHead(template: Page, head: string): Page {
  let html = template.body.toString('utf8');
  if (head.includes('<title>')) html = html.replace(/<title>[^<]*<\/title>/, '');
  return page(Buffer.from(html.replace('</head>', `${head}\n</head>`)));
}

function sendPage(reply: FastifyReply, page: Page, ifNoneMatch: string | undefined): FastifyReply {
  // nosniff, the referrer policy and the CSP come from the server's security headers (control plane).
  reply.header('cache-control', PAGE_CACHE).header('etag', page.etag);
  if (ifNoneMatch === page.etag) return reply.code(304).send();
  return reply.type('text/html; charset=utf-8').send(page.body);
}

/** The browser app: listener, speaker, studio and moderator pages, and their assets. A fastify plugin. */
export async function webappRoutes(app: FastifyInstance, opts: WebappOptions): Promise<void> {
  if (!existsSync(join(opts.distDir, 'listener.html'))) {
    app.log.warn({ distDir: opts.distDir }, 'web app not built: run `npm run build`; pages answer with a notice');
    for (const [path] of PAGES) {
      app.get(path, { schema: { hide: true } }, async (_request, reply) => reply.code(503).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(MISSING_BUILD));
    }
    return;
  }

  // Read once: a page is a few hundred bytes and only changes with a new build (and a restart).
  const pages = new Map<string, Page>();
  for (const [, file] of PAGES) {
    if (pages.has(file) || !existsSync(join(opts.distDir, file))) continue;
    pages.set(file, page(readFileSync(join(opts.distDir, file))));
  }
  for (const [path, file] of PAGES) {
    const template = pages.get(file);
    if (!template) continue;
    const head = opts.heads?.[path];
    app.get(path, { schema: { hide: true } }, async (request, reply) => {
      // The embeddable player is the one page other sites may frame; every other page refuses it
      // (the control plane's security headers). Its own policy, otherwise as strict.
      if (path === EMBED_PATH) void reply.header('content-security-policy', EMBED_POLICY);
      if (!head) return sendPage(reply, template, request.headers['if-none-match']);
      const written = await head(request);
      if (written.status) void reply.code(written.status);
      return sendPage(reply, withHead(template, written.head), request.headers['if-none-match']);
    });
  }

  // The service worker (Web Push) must be served from the root to control the whole origin, and
  // revalidated on every registration check so a new build reaches browsers.
  const worker = join(opts.distDir, 'sw.js');
  if (existsSync(worker)) {
    const body = readFileSync(worker);
    app.get('/sw.js', { schema: { hide: true } }, async (_request, reply) => reply
      .header('cache-control', 'no-cache').header('x-content-type-options', 'nosniff')
      .type('text/javascript; charset=utf-8').send(body));
  }

  await app.register(fastifyStatic, {
    root: join(opts.distDir, 'assets'),
    prefix: '/assets/',
    decorateReply: false,
    index: false,
    cacheControl: false,
    etag: true,
    setHeaders: (res) => {
      res.setHeader('cache-control', ASSET_CACHE);
      res.setHeader('x-content-type-options', 'nosniff');
    },
  });
}

/** dist/web at the package root, whether this file runs from src/webapp (tsx) or dist/webapp (built). */
export const WEB_DIST_DIR = fileURLToPath(new URL('../../dist/web', import.meta.url));
