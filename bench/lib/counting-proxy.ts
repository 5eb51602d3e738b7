import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP relay on loopback that counts the bytes each way: what a client really receives on the
 * wire, whatever the protocol (HTTP/1.1 headers, HTTP/2 frames and HPACK, TLS records).
 */
export interface CountingProxy {
  readonly port: number;
  /** Bytes from the target to the clients so far. */
  readonly down: () => number;
  /** Bytes from the clients to the target so far. */
  readonly up: () => number;
  close(): Promise<void>;
}

export async function startCountingProxy(targetPort: number): Promise<CountingProxy> {
  let down = 0;
  let up = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const target = connect(targetPort, '127.0.0.1');
    for (const s of [client, target]) { sockets.add(s); s.once('close', () => sockets.delete(s)); s.on('error', () => { client.destroy(); target.destroy(); }); }
    target.on('data', (d: Buffer) => { down += d.length; });
    client.on('data', (d: Buffer) => { up += d.length; });
    client.pipe(target);
    target.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    down: () => down,
    up: () => up,
    close: () => new Promise((resolve) => { for (const s of sockets) s.destroy(); server.close(() => resolve()); }),
  };
}
