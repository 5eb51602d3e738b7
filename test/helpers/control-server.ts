import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type ConfigInput } from '../../src/config/load.js';
import { startServer, type RunningServer, type ServerOptions } from '../../src/server.js';
import { AuthService } from '../../src/services/auth-service.js';
import { systemClock } from '../../src/services/clock.js';

/** Limits high enough that a test's own burst of requests is not what it measures. */
export const GENEROUS_LIMITS = {
  questionsPerMinute: 1, votesPerMinute: 10_000, reactionsPerSecond: 10_000, heartbeatsPerMinute: 10_000,
  listenerTokensPerMinute: 10_000, authPerMinute: 10_000, writesPerSecond: 10_000,
};

const CALM = { eventLoopDelayMs: 60_000, rssMb: 1_000_000, inFlight: 1_000_000 };

export interface TestServer extends RunningServer {
  readonly dataDir: string;
  /** A JSON request through fastify's inject (no socket): status, parsed body, headers. */
  request(method: string, url: string, options?: { token?: string; body?: unknown; headers?: Record<string, string> }): Promise<{ status: number; body: any; headers: Record<string, unknown> }>;
}

export async function startTestServer(options: { overrides?: ConfigInput; server?: ServerOptions; dataDir?: string } = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'tribune-test-'));
  const config = loadConfig({
    overrides: {
      host: '127.0.0.1', port: 0, dataDir, logLevel: 'silent', limits: GENEROUS_LIMITS,
      // A loaded test machine must not trip the defences of tests that are about something else;
      // the defences' own tests switch them on.
      shedding: CALM, underAttack: { setting: 'off' },
      // Speech recognition costs CPU that suites about other things should not pay: on where asked.
      captions: { engine: 'off' },
      ...options.overrides,
      stage: { udpPort: 0, bindAddress: '127.0.0.1', ...options.overrides?.stage },
    },
  });
  const server = await startServer(config, { media: false, ...options.server });
  return Object.assign(Object.create(null) as object, server, {
    dataDir,
    async request(method: string, url: string, opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) {
      const headers: Record<string, string> = { ...opts.headers };
      if (opts.token) headers.authorization = `Bearer ${opts.token}`;
      const payload = opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
      if (payload !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
      const res = await server.app.inject({ method: method as 'GET', url, headers, payload });
      let body: unknown = res.body;
      try { body = res.body ? JSON.parse(res.body) : null; } catch { /* not JSON: keep the text */ }
      return { status: res.statusCode, body, headers: res.headers };
    },
    async close() {
      await server.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  }) as TestServer;
}

/** Registers an account and makes it an admin the way `tribune admin create` does. */
export async function registerAdmin(server: TestServer, handle: string, password = 'correct horse battery'): Promise<{ token: string; user: { id: string; handle: string } }> {
  const account = await register(server, handle, password);
  await new AuthService(server.store, systemClock, { sessionTtlDays: 1 }).createAdmin({ handle });
  return account;
}

/** Registers an account and returns its token and user. */
export async function register(server: TestServer, handle: string, password = 'correct horse battery'): Promise<{ token: string; user: { id: string; handle: string } }> {
  const res = await server.request('POST', '/api/v1/auth/register', { body: { handle, password } });
  if (res.status !== 201) throw new Error(`register ${handle}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}
