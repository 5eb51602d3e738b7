import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import ndc from 'node-datachannel';
import { publishWhip, type WhipPublisher } from '../clients/index.js';
import { ConfigError, loadConfig } from '../config/load.js';
import { startServer, type RunningServer } from '../server.js';
import { demoVoices } from './demo-script.js';

export const DEMO_HELP = `tribune demo — a live Space with two synthetic speakers, to hear Tribune working in a minute

Usage: tribune demo [options]

Starts a server, creates a demo host and a live Space, and has two speakers talk on its stage over
real WHIP (espeak-ng phrases in English and French if installed, else tones). Open the printed
listener URL in a browser and press play. Ctrl-C stops it and deletes the demo's data.

Options:
  --port <n>        HTTP port (default 8080; 0 picks a free one)
  --host <addr>     HTTP address to bind (default 127.0.0.1)
  --data-dir <dir>  Keep the data here (default: a temporary directory, deleted on exit)
  --udp-port <n>    The WebRTC UDP port (default 0: any free one, so a running server is no obstacle)
  -h, --help        This help
`;

const PASSWORD_BYTES = 9;

interface Injected { status: number; body: any }

async function call(server: RunningServer, method: string, url: string, body?: unknown, token?: string): Promise<Injected> {
  const res = await server.app.inject({
    method: method as 'POST', url,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
  });
  const parsed = res.body ? JSON.parse(res.body) : null;
  if (res.statusCode >= 400) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  return { status: res.statusCode, body: parsed };
}

export async function demo(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, strict: true, options: { port: { type: 'string' }, host: { type: 'string' }, 'data-dir': { type: 'string' }, 'udp-port': { type: 'string' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (err) {
    process.stderr.write(`tribune demo: ${(err as Error).message}\nRun 'tribune demo --help' for the options.\n`);
    return 2;
  }
  if (values.help) { process.stdout.write(DEMO_HELP); return 0; }
  const tempDir = values['data-dir'] ? null : mkdtempSync(join(tmpdir(), 'tribune-demo-'));
  let config;
  try {
    config = loadConfig({
      env: process.env,
      flags: { port: values.port !== undefined ? Number(values.port) : undefined, host: values.host ?? '127.0.0.1', dataDir: values['data-dir'] ?? tempDir!, logLevel: 'warn',
        stage: { udpPort: Number(values['udp-port'] ?? 0) } },
    });
  } catch (err) {
    if (err instanceof ConfigError) { process.stderr.write(`tribune demo: ${err.message}\n`); return 2; }
    throw err;
  }

  const server = await startServer(config, { logger: { level: 'warn' } });
  const publishers: WhipPublisher[] = [];
  try {
    const password = randomBytes(PASSWORD_BYTES).toString('base64url');
    const handle = `demo_${Date.now().toString(36)}`;
    const host = (await call(server, 'POST', '/api/v1/auth/register', { handle, password, displayName: 'Alice (demo host)' })).body as { token: string };
    const space = (await call(server, 'POST', '/api/v1/spaces', { title: 'Tribune demo — a conversation in two languages', description: 'Two synthetic speakers, live over WebRTC, mixed by the server.', language: 'en' }, host.token)).body as { id: string };
    await call(server, 'POST', `/api/v1/spaces/${space.id}/start`, undefined, host.token);
    const invite = (await call(server, 'POST', `/api/v1/spaces/${space.id}/stage-tokens`, { role: 'speaker' }, host.token)).body as { token: string };
    await call(server, 'POST', `/api/v1/spaces/${space.id}/stage-tokens/redeem`, { token: invite.token, displayName: 'Bruno (démo)' }, invite.token);

    const { sources, speech } = await demoVoices();
    // The server's own address for WHIP: loopback, whatever --host says.
    const whip = `http://127.0.0.1:${new URL(server.url).port}/api/v1/spaces/${space.id}/whip`;
    publishers.push(await publishWhip({ url: whip, bearer: host.token, source: sources[0] }));
    publishers.push(await publishWhip({ url: whip, bearer: invite.token, source: sources[1] }));

    const base = config.publicUrl ?? server.url;
    process.stdout.write([
      `Tribune demo is live (${speech ? 'espeak-ng voices' : 'espeak-ng not found: tones'}).`,
      ``,
      `  Listen:  ${base}/s/${space.id}`,
      `  Studio:  ${base}/s/${space.id}/studio   (log in as ${handle} / ${password})`,
      `  Home:    ${base}/`,
      ``,
      `Ctrl-C to stop.`,
      ``,
    ].join('\n'));
    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
    process.stdout.write('\nStopping the demo…\n');
    return 0;
  } finally {
    for (const p of publishers) await p.close().catch(() => {});
    await server.close();
    // libdatachannel's threads keep the process alive after the last peer closed.
    ndc.cleanup();
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  }
}
