/**
 * The hash-chained audit log on PostgreSQL with several origins: APPENDS appends from three stores
 * (three origins' pools of ten) at once, all queueing on the chain's head row, against the same number
 * of independent one-row commits in the same run (what the database commits when nothing is shared).
 * Checks the chain verifies. Needs the PostgreSQL of the tests (TRIBUNE_TEST_DATABASE_URL); its own
 * schema, dropped after.
 *
 *   npx tsx bench/audit-chain.ts [appends=300] [runs=3]
 */
import { performance } from 'node:perf_hooks';
import { dropSchemas, POSTGRES_URL, uniqueName } from '../test/helpers/cluster-engines.js';
import { createPostgresStore } from '../src/store/postgres/index.js';
import { verifyChain } from '../src/trust-safety/audit-chain.js';
import type { Store } from '../src/store/store.js';

const total = Number(process.argv[2] ?? 300);
const runs = Number(process.argv[3] ?? 3);
const ORIGINS = 3;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

async function timed(work: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await work();
  return (total / (performance.now() - t0)) * 1000;
}

const schema = uniqueName('bench_audit');
const stores: Store[] = [];
try {
  for (let i = 0; i < ORIGINS; i++) stores.push(await createPostgresStore({ url: POSTGRES_URL, schema, maxConnections: 10 }));
  const appends: number[] = [];
  const independent: number[] = [];
  for (let run = 0; run < runs; run++) {
    appends.push(await timed(() => Promise.all(Array.from({ length: total }, (_, i) => stores[i % ORIGINS]!.trustSafety.appendAudit({
      at: new Date().toISOString(), actorId: 'u_bench', action: 'bench', targetType: 'space', targetId: `${run}:${i}`, reason: 'r', data: { run, i },
    })))));
    independent.push(await timed(() => Promise.all(Array.from({ length: total }, (_, i) => stores[i % ORIGINS]!.trustSafety.markSubmitted([`${run}:${i}`], new Date().toISOString())))));
  }
  const entries = [];
  for (let after = 0; ;) {
    const page = await stores[0]!.trustSafety.auditEntries(after, 1000);
    entries.push(...page);
    if (page.length < 1000) break;
    after = page.at(-1)!.seq;
  }
  const chain = verifyChain(entries);
  console.log(JSON.stringify({
    origins: ORIGINS, appendsPerRun: total, runs,
    appendsPerSecondMedian: Math.round(median(appends)), independentCommitsPerSecondMedian: Math.round(median(independent)),
    chainOk: chain.ok && chain.entries === total * runs,
  }));
} finally {
  for (const s of stores) await s.close();
  await dropSchemas([schema]);
}
