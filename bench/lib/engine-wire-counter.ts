import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP relay on loopback in front of Redis or PostgreSQL that counts, from the clients' side of the
 * wire, what they ask: requests (Redis commands; PostgreSQL simple queries and extended-protocol syncs,
 * each of which the client waits on) and writes (each burst the client sends at once: with pipelining,
 * one write carries many commands, so writes are the round trips). Neither engine can tell one client's
 * counts apart on a shared server (Redis 7.0 has no per-client command count, pg_stat_statements is not
 * installed), so they are counted on the wire of this run's origins only.
 */
export interface WireCounter {
  readonly port: number;
  /** Requests and round trips so far, over every connection. */
  counts(): { requests: number; roundTrips: number };
  /** Requests by name (Redis: the command; PostgreSQL: 'query' or 'sync'). */
  byName(): Record<string, number>;
  close(): Promise<void>;
}

type Parser = (chunk: Buffer, named: (name: string) => void) => number;

/** RESP: every command a client sends is an array of bulk strings; counts the complete arrays. */
function respCommands(): Parser {
  let pending: Buffer = Buffer.alloc(0);
  return (chunk, named) => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    let commands = 0;
    let at = 0;
    outer: while (at < pending.length) {
      if (pending[at] !== 0x2a) throw new Error(`RESP: expected an array at ${at}`);
      let end = pending.indexOf('\r\n', at);
      if (end < 0) break;
      const items = Number(pending.toString('latin1', at + 1, end));
      let p = end + 2;
      let name = '';
      for (let i = 0; i < items; i++) {
        end = pending.indexOf('\r\n', p);
        if (end < 0) break outer;
        const length = Number(pending.toString('latin1', p + 1, end));
        if (i === 0) name = pending.toString('latin1', end + 2, Math.min(end + 2 + length, pending.length)).toUpperCase();
        p = end + 2 + length + 2;
        if (p > pending.length) break outer;
      }
      commands++;
      named(name);
      at = p;
    }
    pending = pending.subarray(at);
    return commands;
  };
}

/** PostgreSQL frontend messages: the first (startup) has no type byte; counts 'Q' (query) and 'S' (sync). */
function pgRequests(): Parser {
  let pending: Buffer = Buffer.alloc(0);
  let started = false;
  let lastParsed = '';
  return (chunk, named) => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    let requests = 0;
    let at = 0;
    for (;;) {
      if (!started) {
        if (pending.length - at < 4) break;
        const length = pending.readInt32BE(at);
        if (pending.length - at < length) break;
        // An SSLRequest (80877103) would be answered 'N' and followed by the real startup message.
        if (!(length === 8 && pending.readInt32BE(at + 4) === 80_877_103)) started = true;
        at += length;
        continue;
      }
      if (pending.length - at < 5) break;
      const type = pending[at]!;
      const length = pending.readInt32BE(at + 1);
      if (pending.length - at < 1 + length) break;
      // Named by the statement's first words: a simple query's text, or the extended protocol's Parse.
      const text = (field: number) => pending.toString('utf8', at + 5, Math.min(at + 1 + length, at + 5 + 400)).split('\0')[field]!.replace(/\s+/g, ' ').trim().slice(0, 60);
      if (type === 0x50) lastParsed = text(1);
      if (type === 0x51) { requests++; named(text(0)); }
      if (type === 0x53) { requests++; named(lastParsed); }
      at += 1 + length;
    }
    pending = pending.subarray(at);
    return requests;
  };
}

export async function startWireCounter(target: { port: number; host?: string }, protocol: 'redis' | 'postgres'): Promise<WireCounter> {
  let requests = 0;
  let roundTrips = 0;
  const names: Record<string, number> = {};
  const named = (name: string) => { names[name] = (names[name] ?? 0) + 1; };
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    client.setNoDelay(true);
    const upstream = connect(target.port, target.host ?? '127.0.0.1');
    upstream.setNoDelay(true);
    const parse = protocol === 'redis' ? respCommands() : pgRequests();
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.once('close', () => sockets.delete(s));
      s.on('error', () => { client.destroy(); upstream.destroy(); });
    }
    client.on('data', (chunk: Buffer) => {
      roundTrips++;
      requests += parse(chunk, named);
    });
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    counts: () => ({ requests, roundTrips }),
    byName: () => ({ ...names }),
    close: () => new Promise((resolve) => { for (const s of sockets) s.destroy(); server.close(() => resolve()); }),
  };
}
