import Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { MIGRATIONS } from './migrations.js';

export type Db = Database.Database;

/**
 * Opens (or creates) the database. WAL lets the audience's reads run beside writes; synchronous=FULL
 * makes every committed transaction reach the disk before we acknowledge it, so kill -9 (or a power
 * cut) right after a 2xx loses nothing.
 */
export function openDatabase(file: string): Db {
  if (file !== ':memory:') {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    // Accounts, sessions and moderation records: readable by Tribune's user alone. SQLite gives the
    // -wal and -shm files the mode of the database file.
    closeSync(openSync(file, 'a', 0o600));
    chmodSync(file, 0o600);
    for (const extra of [`${file}-wal`, `${file}-shm`]) if (existsSync(extra)) chmodSync(extra, 0o600);
  }
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(`the database is at schema version ${current}, newer than this Tribune (${MIGRATIONS.length}); upgrade Tribune`);
  }
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version]!);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}

export const toBool = (v: unknown): boolean => v === 1 || v === true;
export const fromBool = (v: boolean): number => (v ? 1 : 0);
