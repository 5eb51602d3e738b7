import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Envelope } from '../bus/events.js';
import { TribuneError, isTribuneError } from '../errors/catalogue.js';
import type { ControlContext } from './context.js';
import { controlMetrics } from './metrics.js';
import type { LiveMessage } from './live-messages.js';
import { credentialOf } from '../http/credentials.js';

const MAX_AFTER_LENGTH = 64;

const PATH = /^\/api\/v1\/spaces\/([a-z]{1,3}_[A-Za-z0-9_-]{12})\/live$/;
const PING_MS = 25_000;
/** Stage channels one credential may hold at once (tabs, a reconnect racing the old socket). */
const CONNECTIONS_PER_CREDENTIAL = 8;

/**
 * Browsers attach the session cookie to a WebSocket opened from any site: only pages of this origin
 * (or of the configured public URL) may open one. Clients that are not browsers send no Origin.
 */
function originAllowed(req: IncomingMessage, publicUrl: string | undefined): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  let host: string;
  try { host = new URL(origin).host; } catch { return false; }
  if (publicUrl && new URL(publicUrl).origin === origin) return true;
  return host === req.headers.host;
}

function refuse(socket: Duplex, err: unknown): void {
  const known = isTribuneError(err) ? err : new TribuneError('INTERNAL');
  const body = JSON.stringify(known.toJSON());
  socket.end(`HTTP/1.1 ${known.status} ${known.code}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/**
 * The stage channel: a WebSocket for the few who act on the stage (host, co-hosts, speakers,
 * moderators). Listeners never hold one; they read the cached state endpoint.
 */
export function attachLiveChannel(app: FastifyInstance, ctx: ControlContext): { close(): void; readonly clients: number } {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  const perCredential = new Map<string, number>();

  app.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://local');
    const match = PATH.exec(url.pathname);
    if (!match) {
      refuse(socket, new TribuneError('ROUTE_NOT_FOUND', { method: 'GET', url: url.pathname }));
      return;
    }
    const spaceId = match[1]!;
    if (!originAllowed(req, ctx.config.publicUrl)) {
      refuse(socket, new TribuneError('ORIGIN_NOT_ALLOWED', { origin: String(req.headers.origin) }));
      return;
    }
    // Browsers cannot set headers on a WebSocket: ?token= carries a guest's or another origin's credential.
    const credential = credentialOf(req.headers, url.searchParams.get('token'));
    const key = credential ? createHash('sha256').update(credential).digest('base64url') : undefined;
    if (key && (perCredential.get(key) ?? 0) >= CONNECTIONS_PER_CREDENTIAL) {
      refuse(socket, new TribuneError('RATE_LIMITED', { retryAfter: 5 }, { details: { retryAfter: 5 } }));
      return;
    }
    void (async () => {
      const actor = await ctx.auth.authenticate(credential);
      return { access: await ctx.stage.connectChannel(actor, spaceId) };
    })().then(({ access }) => {
      if (key && (perCredential.get(key) ?? 0) >= CONNECTIONS_PER_CREDENTIAL) throw new TribuneError('RATE_LIMITED', { retryAfter: 5 }, { details: { retryAfter: 5 } });
      if (key) perCredential.set(key, (perCredential.get(key) ?? 0) + 1);
      const after = url.searchParams.get('after')?.slice(0, MAX_AFTER_LENGTH) || undefined;
      wss.handleUpgrade(req, socket, head, (ws) => {
        ws.once('close', () => {
          const left = (perCredential.get(key!) ?? 1) - 1;
          if (left > 0) perCredential.set(key!, left);
          else perCredential.delete(key!);
        });
        serve(ws, spaceId, [...access.roles], access.seat?.id ?? null, after);
      });
    }).catch((err: unknown) => refuse(socket, err));
  });

  function serve(ws: WebSocket, spaceId: string, roles: string[], participantId: string | null, after: string | undefined): void {
    const send = (message: LiveMessage) => {
      // A client that cannot keep up loses speaking levels first; never let its buffer grow without bound.
      if (ws.bufferedAmount > 256 * 1024 && message.type === 'stage.levels') return;
      ws.send(JSON.stringify(message));
    };
    controlMetrics.liveChannelClients.inc();
    send({ type: 'hello', spaceId, roles, participantId });
    const forward = (e: Envelope) => send({ ...e.event, id: e.id, seq: e.seq, at: e.at });
    const unsubscribe = ctx.stage.follow(spaceId, forward, { after, onGap: () => send({ type: 'resync' }) });
    let alive = true;
    const ping = setInterval(() => {
      if (!alive) { ws.terminate(); return; }
      alive = false;
      ws.ping();
    }, PING_MS);
    ws.on('pong', () => { alive = true; });
    ws.on('message', (data) => {
      let parsed: unknown;
      try { parsed = JSON.parse(String(data)); } catch { parsed = null; }
      if (parsed && typeof parsed === 'object' && (parsed as { type?: unknown }).type === 'ping') send({ type: 'pong' });
      else send({ type: 'error', code: 'VALIDATION_FAILED', message: 'the only message a client sends is {"type":"ping"}' });
    });
    ws.on('close', () => { clearInterval(ping); unsubscribe(); controlMetrics.liveChannelClients.dec(); });
    ws.on('error', () => ws.terminate());
  }

  return {
    close() {
      for (const client of wss.clients) client.close(1001, 'server shutting down');
      wss.close();
    },
    get clients() { return wss.clients.size; },
  };
}
