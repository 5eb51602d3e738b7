import { randomBytes } from 'node:crypto';
import type { HttpClient, HttpResponse } from './http-client.js';

export interface SpaceSetup {
  readonly spaceId: string;
  /** The host's session token, when we have one (needed to mint stage tokens and to end the Space). */
  readonly hostToken: string | undefined;
  readonly created: boolean;
}

export class SetupError extends Error {
  constructor(step: string, status: number, body: string) {
    super(`${step} failed: ${status || 'no response'} ${body.slice(0, 300)}`);
    this.name = 'SetupError';
  }
}

async function json(client: HttpClient, step: string, path: string, method: string, body: unknown, token?: string, expect = [200, 201]): Promise<any> {
  const res = await client.requestAsync(path, {
    method, body: body === undefined ? undefined : JSON.stringify(body),
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  if (!expect.includes(res.status)) throw new SetupError(step, res.status, res.error ?? res.body.toString());
  return res.body.length ? JSON.parse(res.body.toString()) : null;
}

/** A fresh account name for this run: handles are 3..30 of [A-Za-z0-9_]. */
export function runHandle(prefix: string, index: number, run: string): string {
  return `${prefix}_${run}_${index}`.slice(0, 30);
}

export const newRunId = (): string => randomBytes(3).toString('hex');

/** Password hashing is bounded at the origin (503 OVERLOADED) and at the edge (429): wait as told, a few times. */
const ACCOUNT_TRIES = 6;

export async function accountToken(client: HttpClient, handle: string, password: string, register: boolean, localAddress?: string): Promise<string> {
  const post = async (path: string): Promise<HttpResponse> => {
    for (let attempt = 1; ; attempt++) {
      const res = await client.requestAsync(path, { method: 'POST', body: JSON.stringify({ handle, password }), localAddress });
      if ((res.status !== 503 && res.status !== 429) || attempt >= ACCOUNT_TRIES) return res;
      const retryAfterS = Math.min(10, Number(res.headers['retry-after']) || 1);
      await new Promise((r) => setTimeout(r, retryAfterS * 1000 * (0.5 + Math.random())));
    }
  };
  if (register) {
    const res = await post('/api/v1/auth/register');
    if (res.status === 201) return (JSON.parse(res.body.toString()) as { token: string }).token;
    if (res.status !== 409) throw new SetupError(`register ${handle}`, res.status, res.error ?? res.body.toString());
  }
  const res = await post('/api/v1/auth/login');
  if (res.status !== 200) throw new SetupError(`login ${handle}`, res.status, res.error ?? res.body.toString());
  return (JSON.parse(res.body.toString()) as { token: string }).token;
}

/**
 * Finds or makes the Space under test: an existing one (--space), or a new one hosted by the given
 * account (--user/--password) or by a fresh account (--create), started so it is live.
 */
export async function prepareSpace(client: HttpClient, options: { spaceId?: string; create: boolean; handle?: string; password?: string; run: string }): Promise<SpaceSetup> {
  let hostToken: string | undefined;
  if (options.handle && options.password) hostToken = await accountToken(client, options.handle, options.password, false);
  else if (options.create) hostToken = await accountToken(client, runHandle('lt_host', 0, options.run), `loadtest-${options.run}-host`, true);
  if (options.spaceId) {
    const space = await json(client, 'get space', `/api/v1/spaces/${encodeURIComponent(options.spaceId)}`, 'GET', undefined, hostToken);
    if (space.state !== 'live') {
      if (!hostToken) throw new SetupError('space', 409, `Space ${options.spaceId} is ${space.state}, not live; give --user/--password of its host to start it`);
      await json(client, 'start space', `/api/v1/spaces/${space.id}/start`, 'POST', undefined, hostToken);
    }
    return { spaceId: space.id as string, hostToken, created: false };
  }
  if (!hostToken) throw new SetupError('space', 0, 'no Space: pass --space <id>, or --create, or --user/--password');
  const space = await json(client, 'create space', '/api/v1/spaces', 'POST', { title: `Load test ${options.run}` }, hostToken);
  await json(client, 'start space', `/api/v1/spaces/${space.id}/start`, 'POST', undefined, hostToken);
  return { spaceId: space.id as string, hostToken, created: true };
}

export async function stageToken(client: HttpClient, setup: SpaceSetup): Promise<string> {
  if (!setup.hostToken) throw new SetupError('stage token', 0, 'speakers need the host: pass --create or --user/--password');
  return (await json(client, 'stage token', `/api/v1/spaces/${setup.spaceId}/stage-tokens`, 'POST', { role: 'speaker' }, setup.hostToken)).token as string;
}

export async function endSpace(client: HttpClient, setup: SpaceSetup): Promise<void> {
  if (!setup.created || !setup.hostToken) return;
  await client.requestAsync(`/api/v1/spaces/${setup.spaceId}/end`, { method: 'POST', headers: { authorization: `Bearer ${setup.hostToken}` } });
}
