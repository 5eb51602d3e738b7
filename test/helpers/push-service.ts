import { execFileSync } from 'node:child_process';
import { createECDH, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/** A browser's push subscription, made here: its P-256 key pair and auth secret (RFC 8291 §3). */
export interface TestSubscription {
  readonly endpoint: string;
  readonly keys: { p256dh: string; auth: string };
  decrypt(body: Buffer): string;
}

export interface ReceivedPush { path: string; headers: Record<string, string | string[] | undefined>; body: Buffer }

const hmac = (key: Buffer, data: Buffer) => createHmac('sha256', key).update(data).digest();

/**
 * A push service on 127.0.0.1 over HTTPS (web-push speaks HTTPS only), with a self-signed
 * certificate made by openssl; `ca` is what the sender must trust. It records what it receives
 * and answers 201, as FCM or Mozilla's autopush do.
 */
export async function startPushService(dir: string): Promise<{ url: string; ca: Buffer; received: ReceivedPush[]; subscription(id: string): TestSubscription; close(): Promise<void> }> {
  const key = join(dir, 'push-key.pem');
  const cert = join(dir, 'push-cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  const received: ReceivedPush[] = [];
  const server: Server = createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(201).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url, ca: readFileSync(cert), received,
    subscription(id) {
      const ecdh = createECDH('prime256v1');
      const uaPublic = ecdh.generateKeys();
      const auth = randomBytes(16);
      return {
        endpoint: `${url}/push/${id}`,
        keys: { p256dh: uaPublic.toString('base64url'), auth: auth.toString('base64url') },
        // RFC 8291 §3.3–3.4 and RFC 8188 §2: the aes128gcm record, decrypted as a user agent would.
        decrypt(body) {
          const salt = body.subarray(0, 16);
          const idLength = body[20]!;
          const asPublic = body.subarray(21, 21 + idLength);
          const ciphertext = body.subarray(21 + idLength);
          const ecdhSecret = ecdh.computeSecret(asPublic);
          const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), uaPublic, asPublic]);
          const ikm = hmac(hmac(auth, ecdhSecret), Buffer.concat([keyInfo, Buffer.from([1])]));
          const prk = hmac(salt, ikm);
          const cek = hmac(prk, Buffer.from('Content-Encoding: aes128gcm\0\x01', 'binary')).subarray(0, 16);
          const nonce = hmac(prk, Buffer.from('Content-Encoding: nonce\0\x01', 'binary')).subarray(0, 12);
          const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
          decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
          const padded = Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()]);
          // The last record ends with the 0x02 delimiter, then zero padding.
          let end = padded.length - 1;
          while (end >= 0 && padded[end] === 0) end--;
          if (padded[end] !== 2) throw new Error('no last-record delimiter');
          return padded.subarray(0, end).toString('utf8');
        },
      };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
