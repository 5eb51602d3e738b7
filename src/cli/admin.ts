import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/load.js';
import { AuthService } from '../services/auth-service.js';
import { systemClock } from '../services/clock.js';
import { createPostgresStore } from '../store/postgres/index.js';
import { createSqliteStore } from '../store/sqlite/index.js';
import type { Store } from '../store/store.js';
import { isTribuneError } from '../errors/catalogue.js';

export const ADMIN_HELP = `tribune admin — make an administrator

Usage: tribune admin create <handle> [--data-dir <dir> | --database-url <url>] [--display-name <name>]

Creates an account with the admin role, or gives the role to an existing account. A new account's
password is read from the first line of standard input (or TRIBUNE_ADMIN_PASSWORD), so that it never
appears in the shell's history or the process list:

  printf '%s\\n' 'a long passphrase' | tribune admin create anna --data-dir /var/lib/tribune

Registering through the web app or the API never makes an admin. Admins then grant the moderator role
to others (PUT /api/v1/users/{id}/platform-role). Run it beside a running server or before the first
start: the store allows it.

Options:
  --data-dir <dir>        The data directory of the install     [TRIBUNE_DATA_DIR, default ./data]
  --database-url <url>    A cluster's PostgreSQL, as its origins are given it   [TRIBUNE_DATABASE_URL]
  --display-name <name>   For a new account (default: the handle)
  -h, --help              This help
`;

const HANDLE = /^[A-Za-z0-9_]{3,30}$/;
const MIN_PASSWORD = 10;

async function readPassword(): Promise<string | undefined> {
  if (process.env.TRIBUNE_ADMIN_PASSWORD) return process.env.TRIBUNE_ADMIN_PASSWORD;
  if (process.stdin.isTTY) return undefined;
  let input = '';
  for await (const chunk of process.stdin) {
    input += String(chunk);
    if (input.includes('\n') || input.length > 1024) break;
  }
  return input.split('\n')[0]?.replace(/\r$/, '') || undefined;
}

export async function admin(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, strict: true, allowPositionals: true, options: { 'data-dir': { type: 'string' }, 'database-url': { type: 'string' }, 'display-name': { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (err) {
    process.stderr.write(`tribune admin: ${(err as Error).message}\nRun 'tribune admin --help'.\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) { process.stdout.write(ADMIN_HELP); return 0; }
  const [verb, handle, ...extra] = positionals;
  if (verb !== 'create' || !handle || extra.length > 0) {
    process.stderr.write(`tribune admin: usage: tribune admin create <handle>\nRun 'tribune admin --help'.\n`);
    return 2;
  }
  if (!HANDLE.test(handle)) {
    process.stderr.write(`tribune admin: a handle is 3 to 30 letters, digits or underscores\n`);
    return 2;
  }
  let config;
  try {
    config = loadConfig({ env: process.env, flags: { dataDir: values['data-dir'] } });
  } catch (err) {
    if (err instanceof ConfigError) { process.stderr.write(`tribune admin: ${err.message}\n`); return 2; }
    throw err;
  }
  const databaseUrl = values['database-url'] ?? process.env.TRIBUNE_DATABASE_URL;
  const store: Store = databaseUrl ? await createPostgresStore({ url: databaseUrl, maxConnections: 2 }) : createSqliteStore(config.dataDir);
  try {
    const auth = new AuthService(store, systemClock, { sessionTtlDays: config.sessionTtlDays });
    const existing = await store.users.byHandle(handle);
    const password = existing ? undefined : await readPassword();
    if (!existing && (!password || password.length < MIN_PASSWORD)) {
      process.stderr.write(`tribune admin: ${handle} is a new account: give its password (${MIN_PASSWORD}+ characters) on standard input or in TRIBUNE_ADMIN_PASSWORD\n`);
      return 2;
    }
    const { user, created } = await auth.createAdmin({ handle, password, displayName: values['display-name'] });
    process.stdout.write(`${created ? 'Created' : 'Promoted'} ${user.handle} (${user.id}): admin of the install in ${databaseUrl ? 'the cluster\'s database' : config.dataDir}\n`);
    return 0;
  } catch (err) {
    if (isTribuneError(err)) { process.stderr.write(`tribune admin: ${err.message}\n`); return 2; }
    throw err;
  } finally {
    await store.close();
  }
}
