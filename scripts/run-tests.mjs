#!/usr/bin/env node
// Runs every *.test.ts under src/ and test/ with Node's own test runner (TypeScript through tsx).
// Node 20's --test takes no globs, so the files are listed here. Arguments filter by substring.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const passThrough = process.argv.slice(2).filter((a) => a.startsWith('-'));

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, path));
  }
  return out;
}

const files = ['src', 'test'].flatMap((d) => walk(join(root, d), []))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (files.length === 0) {
  console.error(`no test files match ${filters.join(' ')}`);
  process.exit(1);
}
// The browser suites serve dist/web: build it once, before any file runs, rather than in each file
// (two files building side by side empty the directory under each other's pages).
if (files.some((f) => f.startsWith('test/web/') || f.startsWith('test/loadtest/'))) {
  const built = spawnSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'web/vite.config.ts', '--logLevel', 'error'], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
  process.env.TRIBUNE_TEST_WEB_BUILT = '1';
}
// Suites whose subject is time on a real clock with the machine's CPU in the loop (speech recognition
// keeping up with two live speakers, a browser starting within a second of the go-live or hearing a
// muted voice drain from its stream, a flood's achieved rate, a listener's stall across a failover): they run after the others, one at a
// time, so that a neighbour's three origins or browser never decide their outcome.
const ALONE = ['test/captions/captions-e2e.test.ts', 'test/web/go-live.test.ts', 'test/web/e2e.test.ts', 'test/loadtest/attack-profile.test.ts', 'test/cluster/hot-standby-processes.test.ts', 'test/web/drain-browser.test.ts', 'test/web/segment-streams.test.ts', 'test/web/failover-streams.test.ts'];
const concurrency = process.env.TEST_CONCURRENCY ?? '2';

function run(list, n) {
  if (list.length === 0) return Promise.resolve(0);
  const child = spawn(process.execPath, [
    '--import', 'tsx', '--test', `--test-concurrency=${n}`,
    // A file whose tests (and after hooks) are done exits then: a handle left open by a client library
    // (once, a suite that had passed kept the whole run waiting) must not hold CI until its time limit.
    '--test-force-exit',
    '--test-reporter=spec', ...passThrough, ...list,
  ], { cwd: root, stdio: 'inherit' });
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
}

const shared = await run(files.filter((f) => !ALONE.includes(f)), concurrency);
const alone = await run(files.filter((f) => ALONE.includes(f)), '1');
process.exit(shared || alone);
