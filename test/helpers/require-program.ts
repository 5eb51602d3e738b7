import { spawnSync } from 'node:child_process';

/**
 * Whether a system program a test needs is installed. Missing: in CI (CI=true) the test must fail, so
 * this throws; elsewhere it says so loudly on stderr and returns false (the caller skips).
 */
export function requireProgram(name: string): boolean {
  const found = spawnSync('sh', ['-c', `command -v ${JSON.stringify(name)}`], { encoding: 'utf8' }).status === 0
    || spawnSync('sh', ['-c', `test -x /usr/sbin/${name} || test -x /usr/bin/${name}`]).status === 0;
  if (found) return true;
  const message = `*** ${name} is not installed: tests that need it are SKIPPED ***`;
  if (process.env.CI === 'true') throw new Error(`${name} is required in CI`);
  process.stderr.write(`\n${message}\n\n`);
  return false;
}
