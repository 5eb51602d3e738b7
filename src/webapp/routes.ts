import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

export interface WebappOptions {
  /** The Vite build output (dist/web): one HTML file per page and content-hashed assets/. */
  readonly distDir: string;
}

/**
 * Cache policy, for an HTTP cache in front as much as for browsers: assets are named by their
 * content hash, so they never change under a name (a year, immutable); the HTML pages name the
 * current assets, so they are cached briefly and revalidated by ETag.
 */
const ASSET_CACHE = 'public, max-age=31536000, immutable';
const PAGE_CACHE = 'public, max-age=60';

/** Page paths -> the HTML file that renders them. Anything else stays with the API's JSON 404. */
const PAGES: ReadonlyArray<[string, string]> = [
  ['/', 'index.html'],
  ['/s/:spaceId', 'listener.html'],
  ['/s/:spaceId/join', 'speaker.html'],
  ['/s/:spaceId/studio', 'studio.html'],
  ['/moderation', 'moderation.html'],
  ['/me/statements', 'statements.html'],
  ['/transparency', 'transparency.html'],
];

const MISSING_BUILD = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Tribune</title></head>
<body><main><h1>Tribune</h1><p>The web app is not built. Run <code>npm run build</code>, then restart the server.
The API is up: <a href="/api/openapi.json">/api/openapi.json</a>.</p></main></body></html>`;

interface Page { body: Buffer; etag: string }

function sendPage(reply: FastifyReply, page: Page, ifNoneMatch: string | undefined): FastifyReply {
  reply.header('cache-control', PAGE_CACHE).header('etag', page.etag)
    .header('x-content-type-options', 'nosniff').header('referrer-policy', 'strict-origin-when-cross-origin');
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
    if (pages.has(file)) continue;
    const body = readFileSync(join(opts.distDir, file));
    pages.set(file, { body, etag: `"${createHash('sha1').update(body).digest('base64url')}"` });
  }
  for (const [path, file] of PAGES) {
    const page = pages.get(file)!;
    app.get(path, { schema: { hide: true } }, async (request, reply) => sendPage(reply, page, request.headers['if-none-match']));
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
