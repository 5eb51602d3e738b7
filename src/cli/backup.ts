import Database from 'better-sqlite3';
import { chmodSync, existsSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/load.js';

export const BACKUP_HELP = `tribune backup — a consistent copy of the embedded store, taken while Tribune runs

Usage: tribune backup <file> [--data-dir <dir>]

Copies <data-dir>/tribune.db page by page with SQLite's online backup (the origin keeps serving and
writing meanwhile; the copy is the database as it was at one moment, every acknowledged write up to
it included), checks the copy's integrity, and writes it to <file> (mode 0600) only once it is whole.

Options:
  --data-dir <dir>   The data directory of the install     [TRIBUNE_DATA_DIR, default ./data]
  -h, --help         This help

What it does not copy: recordings (<data-dir>/media/: immutable files, copy them with rsync or any
file backup), the secret that signs listener tokens (<data-dir>/secret) and the Web Push keys
(<data-dir>/vapid.json), small files to keep with the backup. In cluster mode the store is
PostgreSQL: back it up with pg_dump or a base backup (docs/cluster.md).

To restore: stop Tribune, put the file in place as <data-dir>/tribune.db, remove any
tribune.db-wal and tribune.db-shm beside it, start Tribune.

Example:
  tribune backup /var/backups/tribune-$(date +%F).db --data-dir /var/lib/tribune
`;

/** Pages copied per step: small steps let the origin's writes interleave with the copy. */
const PAGES_PER_STEP = 256;

export async function backup(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, strict: true, allowPositionals: true, options: { 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (err) {
    process.stderr.write(`tribune backup: ${(err as Error).message}\nRun 'tribune backup --help'.\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) { process.stdout.write(BACKUP_HELP); return 0; }
  if (positionals.length !== 1) {
    process.stderr.write(`tribune backup: usage: tribune backup <file> [--data-dir <dir>]\nRun 'tribune backup --help'.\n`);
    return 2;
  }
  let dataDir: string;
  try {
    dataDir = loadConfig({ env: process.env, flags: { dataDir: values['data-dir'] } }).dataDir;
  } catch (err) {
    if (err instanceof ConfigError) { process.stderr.write(`tribune backup: ${err.message}\n`); return 2; }
    throw err;
  }
  const source = join(dataDir, 'tribune.db');
  const target = resolve(positionals[0]!);
  if (!existsSync(source)) {
    process.stderr.write(`tribune backup: no store at ${source} (is --data-dir the install's?)\n`);
    return 1;
  }
  if (target === resolve(source)) {
    process.stderr.write(`tribune backup: the backup cannot be the store itself\n`);
    return 2;
  }
  // Written beside the target and renamed at the end: a half-written file never has its name.
  const partial = `${target}.partial`;
  rmSync(partial, { force: true });
  const db = new Database(source, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  try {
    const started = Date.now();
    let lastShown = 0;
    await db.backup(partial, {
      progress: ({ totalPages, remainingPages }) => {
        const done = totalPages - remainingPages;
        if (process.stderr.isTTY && Date.now() - lastShown > 200) {
          lastShown = Date.now();
          process.stderr.write(`\rtribune backup: ${done} of ${totalPages} pages (${Math.round((100 * done) / Math.max(1, totalPages))} %)`);
        }
        return PAGES_PER_STEP;
      },
    });
    if (process.stderr.isTTY) process.stderr.write('\n');
    chmodSync(partial, 0o600);
    const copy = new Database(partial, { readonly: true });
    const check = copy.pragma('integrity_check', { simple: true });
    const users = (copy.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n;
    const spaces = (copy.prepare('SELECT COUNT(*) AS n FROM spaces').get() as { n: number }).n;
    copy.close();
    if (check !== 'ok') {
      rmSync(partial, { force: true });
      process.stderr.write(`tribune backup: the copy failed its integrity check (${String(check)}); nothing written\n`);
      return 1;
    }
    renameSync(partial, target);
    process.stdout.write(`Backed up ${source} to ${target} in ${Date.now() - started} ms: ${users} accounts, ${spaces} Spaces, integrity ok.\n`
      + `Keep ${join(dataDir, 'secret')} and ${join(dataDir, 'vapid.json')} with it; recordings are in ${join(dataDir, 'media')}.\n`
      + `To restore: stop Tribune, copy the file to ${source}, remove tribune.db-wal and tribune.db-shm beside it, start Tribune.\n`);
    return 0;
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  } finally {
    db.close();
  }
}
