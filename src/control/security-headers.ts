import type { FastifyInstance } from 'fastify';

/**
 * Headers every page carries: a Content-Security-Policy that allows only this origin (and the
 * configured public URL, which may be a CDN's), no framing (clickjacking) except for a route that
 * sets its own policy (the embeddable player), no MIME sniffing, no full referrer to other sites.
 * The referrer policy goes on pages only: a browser reads it from documents, and on the playlists,
 * media and state a listener fetches several times a second it would be ~40 bytes of every answer
 * for nothing (docs/benchmarks.md, the egress per listener).
 */
export function installSecurityHeaders(app: FastifyInstance, options: { publicUrl: string | undefined; mediaOrigins: readonly string[] }): void {
  const self = options.publicUrl ? `'self' ${new URL(options.publicUrl).origin}` : `'self'`;
  // The backup edges: the player fetches playlists and parts from there when its edge fails.
  const media = [self, ...options.mediaOrigins.map((u) => new URL(u).origin)].join(' ');
  const policy = [
    `default-src 'self'`, `script-src 'self'`, `style-src 'self' 'unsafe-inline'`, `img-src 'self' data: blob:`,
    `media-src ${media} blob:`, `connect-src ${media}`, `worker-src 'self' blob:`, `font-src 'self'`,
    `object-src 'none'`, `base-uri 'none'`, `form-action 'self'`, `frame-ancestors 'none'`,
  ].join('; ');
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    const type = String(reply.getHeader('content-type') ?? '');
    if (!type.startsWith('text/html')) return payload;
    if (!reply.hasHeader('referrer-policy')) reply.header('referrer-policy', 'strict-origin-when-cross-origin');
    if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', policy).header('x-frame-options', 'DENY');
    return payload;
  });
}
