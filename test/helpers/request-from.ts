import { request as httpRequest } from 'node:http';

/** A request from a chosen loopback source address (every 127.0.0.0/8 address is this machine's): each address is its own client. */
export function requestFrom(localAddress: string, url: string, method: string, headers: Record<string, string> = {}, body = ''): Promise<number> {
  const { hostname, port, pathname, search } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, path: pathname + search, method, localAddress, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } },
      (res) => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)); });
    req.on('error', reject);
    req.end(body);
  });
}
