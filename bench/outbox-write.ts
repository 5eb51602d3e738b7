/**
 * What the outbox adds to a write on the embedded default (SQLite with synchronous=FULL, the in-process
 * bus): a question created with its event in the outbox, published by the relay right after the commit,
 * against the same write followed by a direct publish (the way before the outbox). Both run in the same
 * process on the same database, interleaved one by one so the disk and the neighbours' load are shared.
 * Two figures per way: until the write resolves (what the client waits for before its 2xx), and until a
 * subscriber of the Space has the event.
 *
 *   npx tsx bench/outbox-write.ts [writes=300] [runs=3]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { MemoryBus } from '../src/bus/memory/memory-bus.js';
import type { SpaceEvent } from '../src/bus/events.js';
import { OutboxRelay } from '../src/services/outbox-relay.js';
import type { Question } from '../src/domain/types.js';
import { createSqliteStore } from '../src/store/sqlite/index.js';

const writes = Number(process.argv[2] ?? 300);
const runs = Number(process.argv[3] ?? 3);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

const dir = mkdtempSync(join(tmpdir(), 'tribune-bench-outbox-'));
const store = createSqliteStore(dir);
const bus = new MemoryBus();
const relay = new OutboxRelay({ outbox: store.outbox, bus, pollMs: 1_000 });
relay.start();
try {
  const hostId = 'u_bench_host';
  await store.users.create({ id: hostId, handle: 'bench', displayName: 'bench', passwordHash: 'x', platformRole: 'user', createdAt: new Date().toISOString() });
  const spaceId = 'sp_bench_outbox';
  await store.spaces.create({
    id: spaceId, title: 'bench', description: '', language: 'en', hostId, state: 'live', scheduledStart: null, timeZone: null,
    createdAt: new Date().toISOString(), startedAt: null, endedAt: null, maxOnStage: 13, maxCohosts: 2,
  });
  // The subscriber resolves the wait for the question it is told about.
  const waiting = new Map<string, () => void>();
  bus.subscribe(spaceId, (e) => { waiting.get((e.event as { questionId?: string }).questionId ?? '')?.(); });
  let n = 0;
  const question = (): Question => ({
    id: `q_bench_${String(++n).padStart(9, '0')}`, spaceId, authorId: hostId, text: 'a question', anonymous: false, state: 'pending',
    votes: 0, highlighted: false, createdAt: new Date().toISOString(), answeredAt: null,
  });
  const created = (q: Question): SpaceEvent => ({ type: 'question.created', questionId: q.id, state: q.state, votes: 0, highlighted: false });

  /** Milliseconds until the write resolved, and until the subscriber had the event. */
  async function once(withOutbox: boolean): Promise<[number, number]> {
    const q = question();
    const delivered = new Promise<void>((resolve) => waiting.set(q.id, resolve));
    const t0 = performance.now();
    if (withOutbox) {
      await store.questions.create(q, [{ spaceId, event: created(q) }]);
    } else {
      await store.questions.create(q);
      await bus.publish(spaceId, created(q));
    }
    const acknowledged = performance.now() - t0;
    await delivered;
    waiting.delete(q.id);
    return [acknowledged, performance.now() - t0];
  }

  interface Run { direct: [number, number]; outbox: [number, number]; text: string }
  const rows: Run[] = [];
  for (let run = 1; run <= runs; run++) {
    const direct: Array<[number, number]> = [];
    const outbox: Array<[number, number]> = [];
    for (let i = 0; i < writes; i++) {
      // Alternating which goes first keeps either from always following the other's fsync.
      if (i % 2) { direct.push(await once(false)); outbox.push(await once(true)); } else { outbox.push(await once(true)); direct.push(await once(false)); }
    }
    const d: [number, number] = [median(direct.map((x) => x[0])), median(direct.map((x) => x[1]))];
    const o: [number, number] = [median(outbox.map((x) => x[0])), median(outbox.map((x) => x[1]))];
    rows.push({ direct: d, outbox: o,
      text: `| ${run} | ${d[0].toFixed(3)} | ${o[0].toFixed(3)} | ${(o[0] / d[0]).toFixed(2)} | ${d[1].toFixed(3)} | ${o[1].toFixed(3)} | ${(o[1] / d[1]).toFixed(2)} |` });
  }
  await relay.idle();
  const left = await store.outbox.depth();
  if (left.length) throw new Error(`the outbox was not drained: ${JSON.stringify(left)}`);
  // The table for docs/benchmarks.md on stderr; the JSON and the one-line summary on stdout.
  console.error(`${writes} writes per way and run, medians in ms (node ${process.version})`);
  console.error('| run | write, direct publish | write, outbox | ratio | event delivered, direct | event delivered, outbox | ratio |');
  console.error('|---|---|---|---|---|---|---|');
  for (const r of rows) console.error(r.text);
  const mid = (pick: (r: Run) => number) => median(rows.map(pick));
  console.log(JSON.stringify({
    writesPerRun: writes, runs,
    writeMsDirect: mid((r) => r.direct[0]), writeMsOutbox: mid((r) => r.outbox[0]), writeRatio: median(rows.map((r) => r.outbox[0] / r.direct[0])),
    deliveredMsDirect: mid((r) => r.direct[1]), deliveredMsOutbox: mid((r) => r.outbox[1]), deliveredRatio: median(rows.map((r) => r.outbox[1] / r.direct[1])),
  }));
  console.log(`outbox write ${mid((r) => r.outbox[0]).toFixed(3)} ms vs ${mid((r) => r.direct[0]).toFixed(3)} ms direct (x${median(rows.map((r) => r.outbox[0] / r.direct[0])).toFixed(2)}, median of ${runs} runs)`);
} finally {
  await relay.close();
  await bus.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
