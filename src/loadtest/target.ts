import { isIP } from 'node:net';

/**
 * Load only against this machine unless told otherwise: a load test aimed at someone else's server
 * is an attack. Names other than localhost are refused rather than resolved (DNS could lie).
 */
export function isLoopbackUrl(raw: string): boolean {
  let url: URL;
  try { url = new URL(raw); } catch { return false; }
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host === 'localhost.') return true;
  if (isIP(host) === 4) return host.split('.')[0] === '127';
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(host);
  return false;
}

export class TargetRefused extends Error {
  readonly code = 'TARGET_NOT_LOOPBACK';
  constructor(target: string, why?: string) {
    super(why
      ? `refusing to load ${target}: ${why} (127.0.0.0/8, ::1, localhost)`
      : `refusing to load ${target}: not a loopback address (127.0.0.0/8, ::1, localhost). Pass --allow-remote for a deployment you operate.`);
    this.name = 'TargetRefused';
  }
}
