import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';

/** `tribune demo` as a newcomer runs it: a child process, its printed URL, then Ctrl-C. */
test('tribune demo: a live Space where two speakers take turns, heard over LL-HLS; stops on SIGTERM', { timeout: 60_000 }, async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/run-cli.ts', 'demo', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
  try {
    const listen = await waitFor(() => /Listen:\s+(\S+)/.exec(out)?.[1], 30_000, () => `no listener URL; stdout: ${out} stderr: ${err}`);
    const url = new URL(listen);
    const spaceId = url.pathname.split('/')[2]!;
    const page = await fetch(listen);
    assert.equal(page.status, 200, 'the listener page is served');

    const spoke = new Set<string>();
    await waitFor(async () => {
      const state = await (await fetch(`${url.origin}/api/v1/spaces/${spaceId}/state`)).json() as { state: string; stage: Array<{ displayName: string; speaking: boolean }> };
      assert.equal(state.state, 'live');
      for (const p of state.stage) if (p.speaking) spoke.add(p.displayName);
      return spoke.size === 2 ? true : undefined;
    }, 25_000, () => `speakers heard: ${[...spoke].join(', ')}`, 300);
    const playlist = await (await fetch(`${url.origin}/hls/${spaceId}/audio.m3u8`)).text();
    assert.match(playlist, /#EXT-X-PART:/, 'the program is packaged as LL-HLS');
  } finally {
    child.kill('SIGTERM');
    const [code] = await Promise.race([once(child, 'exit'), new Promise((r) => setTimeout(() => r([null]), 10_000))]) as [number | null];
    if (code === null) child.kill('SIGKILL');
    assert.equal(code, 0, `demo exits cleanly on SIGTERM; stderr: ${err}`);
  }
});

async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs: number, why: () => string, everyMs = 100): Promise<T> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  assert.fail(why());
}
