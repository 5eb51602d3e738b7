import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { register, startTestServer } from '../helpers/control-server.js';

const root = new URL('../..', import.meta.url).pathname;

function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/run-cli.ts', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = ''; let err = '';
    child.stdout.on('data', (d) => { out += String(d); });
    child.stderr.on('data', (d) => { err += String(d); });
    child.once('exit', (code) => resolve({ code: code ?? 1, out, err }));
  });
}

test('tribune backup: a whole, consistent copy of a running install, taken while it writes, that restores', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tribune-backup-'));
  const out = mkdtempSync(join(tmpdir(), 'tribune-backup-out-'));
  let server = await startTestServer({ dataDir });
  t.after(async () => { await server.close(); rmSync(dataDir, { recursive: true, force: true }); rmSync(out, { recursive: true, force: true }); });

  const before = [];
  for (let i = 0; i < 20; i++) before.push(await register(server, `kept_${i}`));
  // Writes go on while the backup runs: the copy is one moment of the store, whatever it catches.
  let writing = true;
  const during = (async () => { for (let i = 0; writing; i++) await register(server, `during_${i}`); })();
  const file = join(out, 'tribune.db');
  const made = await cli(['backup', file, '--data-dir', dataDir]);
  writing = false;
  await during;
  assert.equal(made.code, 0, made.err);
  assert.match(made.out, /integrity ok/);
  assert.equal(statSync(file).mode & 0o777, 0o600, 'readable by Tribune\'s user alone');
  assert.equal(existsSync(`${file}.partial`), false);

  // Restore: stop, put the copy in place, start; every account acknowledged before the backup signs in.
  await server.close();
  rmSync(join(dataDir, 'tribune.db-wal'), { force: true });
  rmSync(join(dataDir, 'tribune.db-shm'), { force: true });
  copyFileSync(file, join(dataDir, 'tribune.db'));
  server = await startTestServer({ dataDir });
  for (const account of before) {
    const res = await server.request('POST', '/api/v1/auth/login', { body: { handle: account.user.handle, password: 'correct horse battery' } });
    assert.equal(res.status, 200, `${account.user.handle}: ${JSON.stringify(res.body)}`);
  }
});

test('tribune backup: used wrongly, it says so and writes nothing', async () => {
  const empty = mkdtempSync(join(tmpdir(), 'tribune-backup-empty-'));
  try {
    assert.equal((await cli(['backup'])).code, 2);
    assert.equal((await cli(['backup', 'a', 'b'])).code, 2);
    const none = await cli(['backup', join(empty, 'x.db'), '--data-dir', empty]);
    assert.equal(none.code, 1);
    assert.match(none.err, /no store/);
    assert.equal(existsSync(join(empty, 'x.db')), false);
    assert.match((await cli(['backup', '--help'])).out, /To restore/);
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});
