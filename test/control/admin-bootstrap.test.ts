import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startTestServer } from '../helpers/control-server.js';

function cli(args: string[], stdin: string): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/run-cli.ts', ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, TRIBUNE_ADMIN_PASSWORD: '' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.stdin.end(stdin);
    child.on('exit', (code) => resolve({ code: code ?? 1, out, err }));
  });
}

// Regression: ten registrations racing on a fresh install all became admins (count, then insert).
test('registering never makes an admin, however many race on a fresh install', async (t) => {
  const server = await startTestServer();
  t.after(() => server.close());
  const sessions = await Promise.all(Array.from({ length: 10 }, (_, i) => server.request('POST', '/api/v1/auth/register', { body: { handle: `racer_${i}`, password: 'correct horse battery' } })));
  // Password hashing is bounded (one at a time, eight waiting): the tenth may be told to retry.
  const created = sessions.filter((s) => s.status === 201);
  assert.ok(created.length >= 9, sessions.map((s) => s.status).join(' '));
  assert.deepEqual(new Set(created.map((s) => s.body.user.platformRole)), new Set(['user']));
});

test('tribune admin create makes exactly one admin, from a password on standard input; again promotes', { timeout: 60_000 }, async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tribune-admin-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const weak = await cli(['admin', 'create', 'boss', '--data-dir', dataDir], 'short\n');
  assert.equal(weak.code, 2, weak.err);
  const made = await cli(['admin', 'create', 'boss', '--data-dir', dataDir], 'a long passphrase for the boss\n');
  assert.equal(made.code, 0, made.err);
  assert.match(made.out, /Created boss/);

  const server = await startTestServer({ dataDir });
  t.after(() => server.close());
  const login = await server.request('POST', '/api/v1/auth/login', { body: { handle: 'boss', password: 'a long passphrase for the boss' } });
  assert.equal(login.status, 200);
  assert.equal(login.body.user.platformRole, 'admin');
  const someone = await server.request('POST', '/api/v1/auth/register', { body: { handle: 'someone', password: 'correct horse battery' } });
  assert.equal(someone.body.user.platformRole, 'user');
  const promoted = await cli(['admin', 'create', 'someone', '--data-dir', dataDir], '');
  assert.equal(promoted.code, 0, promoted.err);
  assert.match(promoted.out, /Promoted someone/);
  assert.equal((await server.request('GET', '/api/v1/me', { token: someone.body.token })).body.platformRole, 'admin');
  assert.equal((await cli(['admin', 'create', 'bad handle!', '--data-dir', dataDir], '')).code, 2);
});
