/**
 * `npm run bench [-- --quick] [-- --only name,name]`: runs every script under bench/ one after the
 * other (they measure CPU: never in parallel), saves each one's JSON as bench/results/<name>.json
 * (what `tribune preflight` reads), and prints one table: figure, target, anchor, ratio.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENCHES, lastJsonDocument, renderTable, UNMEASURED, type BenchRow } from './bench-rows.js';

const root = new URL('..', import.meta.url).pathname;
const quick = process.argv.includes('--quick');
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt > 0 ? new Set(process.argv[onlyAt + 1]?.split(',')) : undefined;
const resultsDir = join(root, 'bench', 'results');
mkdirSync(resultsDir, { recursive: true });

const names = readdirSync(join(root, 'bench')).filter((f) => f.endsWith('.ts')).map((f) => f.replace(/\.ts$/, '')).sort()
  .filter((n) => !only || only.has(n));

function run(name: string, args: readonly string[], timeoutS: number): Promise<{ code: number | null; stdout: string; seconds: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', join('bench', `${name}.ts`), ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    // Progress lines go to our stderr, so the table stays alone on stdout.
    child.stderr.on('data', (d: Buffer) => process.stderr.write(d.toString().split('\n').filter(Boolean).map((l) => `  [${name}] ${l}\n`).join('')));
    const timer = setTimeout(() => { process.stderr.write(`  [${name}] stopped after ${timeoutS} s\n`); child.kill('SIGKILL'); }, timeoutS * 1000);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, seconds: Math.round((Date.now() - started) / 1000) }); });
  });
}

const rows: BenchRow[] = [];
const failed: string[] = [];
for (const name of names) {
  const spec = BENCHES[name];
  const args = spec ? (quick ? spec.quick : spec.full) : [];
  process.stderr.write(`bench: ${name} ${args.join(' ')}\n`);
  const { code, stdout, seconds } = await run(name, args, spec?.timeoutS ?? 900);
  const json = lastJsonDocument(stdout);
  const summaryLine = stdout.trim().split('\n').at(-1) ?? '';
  process.stderr.write(`bench: ${name} done in ${seconds} s (exit ${code})${summaryLine.startsWith('{') ? '' : `: ${summaryLine}`}\n`);
  if (!json || code !== 0) {
    failed.push(`${name} (exit ${code}${json ? '' : ', no JSON'})`);
    rows.push({ bench: name, figure: `${name}: did not complete`, value: null, unit: '', target: '', anchor: '', anchorValue: null, anchorSource: '', ratio: null });
    continue;
  }
  writeFileSync(join(resultsDir, `${name}.json`), `${JSON.stringify({ ...json, ranAt: new Date().toISOString(), quick }, null, 2)}\n`);
  rows.push(...(spec ? spec.rows(json) : [{ bench: name, figure: `${name}: see bench/results/${name}.json`, value: null, unit: '', target: '', anchor: '', anchorValue: null, anchorSource: '', ratio: null }]));
}
writeFileSync(join(resultsDir, 'table.json'), `${JSON.stringify({ ranAt: new Date().toISOString(), quick, rows, failed }, null, 2)}\n`);
process.stdout.write(`\n${renderTable(rows)}\n${UNMEASURED.length ? `\nNot measured by any script yet: ${UNMEASURED.join("; ")}\n` : ""}`);
if (quick) process.stdout.write('(--quick: shorter runs and fewer listeners; figures are indicative only)\n');
if (failed.length) process.stdout.write(`Did not complete: ${failed.join(', ')}\n`);
process.exit(failed.length ? 1 : 0);
