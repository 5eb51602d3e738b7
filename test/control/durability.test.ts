import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

/**
 * Nothing acknowledged is lost when the process is killed with SIGKILL right after: writes stream in
 * concurrently, the server is killed in the middle of the stream, and every write that got a 2xx
 * must be there after a restart on the same data directory.
 */

const root = new URL('../..', import.meta.url).pathname;

function startChild(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/run-cli.ts', 'serve', '--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir, '--udp-port', '0', '--log-level', 'warn'], {
    cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TRIBUNE_WRITES_PER_SECOND: '100000', TRIBUNE_UNDER_ATTACK: 'off', TRIBUNE_SHED_EVENT_LOOP_MS: '60000' },
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 30_000);
    child.stdout!.on('data', (chunk) => {
      out += String(chunk);
      const match = /live on (http:\/\/\S+)/.exec(out);
      if (match) { clearTimeout(timer); resolve({ child, url: match[1]! }); }
    });
    child.stderr!.on('data', (chunk) => { out += String(chunk); });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited (${code}): ${out}`)); });
  });
}

async function json(url: string, init: { method?: string; token?: string; body?: unknown } = {}): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = {};
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, { method: init.method ?? 'GET', headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
  return { status: res.status, body: await res.json().catch(() => null) };
}

test('kill -9 in the middle of a stream of writes loses no acknowledged write', { timeout: 120_000 }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tribune-kill-'));
  try {
    let { child, url } = await startChild(dataDir);
    const host = (await json(`${url}/api/v1/auth/register`, { method: 'POST', body: { handle: 'durable_host', password: 'kill nine safe' } })).body;
    const acknowledged: string[] = [];
    let killed = false;
    const writer = async (n: number) => {
      for (let i = 0; i < 400 && !killed; i++) {
        try {
          const res = await json(`${url}/api/v1/spaces`, { method: 'POST', token: host.token, body: { title: `space ${n}.${i}` } });
          if (res.status === 201) acknowledged.push(res.body.id);
        } catch {
          return; // the connection died with the process: that write was never acknowledged
        }
      }
    };
    const writers = Array.from({ length: 8 }, (_, n) => writer(n));
    const deadline = Date.now() + 30_000;
    while (acknowledged.length < 150 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    child.kill('SIGKILL');
    killed = true;
    await Promise.all(writers);
    if (child.exitCode === null && child.signalCode === null) await new Promise((r) => child.once('exit', r));
    const count = acknowledged.length;
    assert.ok(count >= 150);

    ({ child, url } = await startChild(dataDir));
    try {
      const missing: string[] = [];
      for (const id of acknowledged) {
        const res = await json(`${url}/api/v1/spaces/${id}`);
        if (res.status !== 200) missing.push(id);
      }
      assert.deepEqual(missing, [], `${missing.length} of ${count} acknowledged Spaces were lost`);
      const login = await json(`${url}/api/v1/auth/login`, { method: 'POST', body: { handle: 'durable_host', password: 'kill nine safe' } });
      assert.equal(login.status, 200, 'the account survived');
    } finally {
      child.kill('SIGKILL');
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
