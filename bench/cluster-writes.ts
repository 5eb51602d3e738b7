/**
 * Audience writes per second per core, one origin against three, same run, same load generator.
 *
 * Two local clusters (`tribune cluster`'s code: N `tribune serve` origins on one PostgreSQL schema and
 * one Redis prefix each) run side by side; rounds alternate between them, so the neighbours' load on a
 * shared machine falls on both alike. In each round this process keeps CONCURRENCY writes in flight,
 * spread round-robin over the cluster's origins (as an edge spreads them), in the mix of an audience:
 * heartbeats (round the listeners, each with its own signed token and address, within its six a minute), reactions, and votes on
 * approved questions (each account once per question). Per core = accepted writes / the origins' CPU
 * seconds (user + system, all threads, /proc/<pid>/stat), not wall time. Redis commands and PostgreSQL
 * queries are counted on the wire between the origins and the engines (bench/lib/engine-wire-counter.ts),
 * background work (leases, registry, flushes) included; the idle rate of each is measured too.
 *
 *   npx tsx bench/cluster-writes.ts [--seconds 6] [--rounds 3] [--concurrency 64] [--listeners 4000] [--accounts 40]
 */
import { request, Agent } from 'node:http';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { freePortRange, cpuSeconds } from '../src/local-cluster/nginx-edge.js';
import { startLocalCluster, type LocalCluster } from '../src/local-cluster/local-cluster.js';
import { POSTGRES_URL, REDIS_URL } from '../test/helpers/cluster-engines.js';
import { TRIBUNE_FROM_SOURCE } from '../test/helpers/origin-processes.js';
import { seededRandom } from '../test/helpers/seeded-random.js';
import pg from 'pg';
import { withUser } from '../src/store/postgres/database.js';
import { startWireCounter, type WireCounter } from './lib/engine-wire-counter.js';

const { values } = parseArgs({
  options: { seconds: { type: 'string' }, rounds: { type: 'string' }, concurrency: { type: 'string' }, listeners: { type: 'string' }, accounts: { type: 'string' } },
});
const SECONDS = Number(values.seconds ?? 6);
const ROUNDS = Number(values.rounds ?? 3);
const CONCURRENCY = Number(values.concurrency ?? 64);
const LISTENERS = Number(values.listeners ?? 4000);
const ACCOUNTS = Number(values.accounts ?? 40);
/** The audience's mix: most writes are heartbeats, then reactions; votes are rarer. */
const MIX = { heartbeat: 0.6, reaction: 0.35, vote: 0.05 } as const;
const REACTIONS = ['clap', 'laugh', 'heart', 'fire'] as const;

const log = (line: string) => process.stderr.write(`${line}\n`);
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2; };
const r2 = (x: number) => Math.round(x * 100) / 100;
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function post(url: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data), ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(data);
  });
}

/** A distinct client address per simulated listener or account (the origins believe loopback's X-Forwarded-For). */
const address = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

async function inParallel<T>(count: number, width: number, work: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(count);
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => { while (next < count) { const i = next++; out[i] = await work(i); } }));
  return out;
}

interface Audience { spaceId: string; tokens: string[]; accounts: { token: string; addr: string }[]; questions: string[] }

async function prepareAudience(cluster: LocalCluster, tag: string): Promise<Audience> {
  const url = cluster.origins[0]!.url;
  const json = async (p: Promise<{ status: number; body: string }>, want: number) => {
    const r = await p;
    if (r.status !== want) throw new Error(`setup: ${r.status} ${r.body}`);
    return JSON.parse(r.body);
  };
  // Registration hashes a password (bounded work on the origin): a few at a time.
  const accounts = await inParallel(ACCOUNTS + 1, 4, async (i) => {
    const addr = address(200_000 + i);
    const made = await json(post(url, '/api/v1/auth/register', { handle: `${tag}${i}`, password: 'correct horse battery' }, { 'x-forwarded-for': addr }), 201);
    return { token: made.token as string, addr };
  });
  const host = accounts.pop()!;
  const space = await json(post(url, '/api/v1/spaces', { title: `writes ${tag}` }, { authorization: `Bearer ${host.token}`, 'x-forwarded-for': host.addr }), 201);
  await json(post(url, `/api/v1/spaces/${space.id}/start`, {}, { authorization: `Bearer ${host.token}`, 'x-forwarded-for': host.addr }), 200);
  // One question per account (the limit is one a minute each), approved by the host.
  const questions = await inParallel(accounts.length, 8, async (i) => {
    const q = await json(post(url, `/api/v1/spaces/${space.id}/questions`, { text: `Question ${i}?` }, { authorization: `Bearer ${accounts[i]!.token}`, 'x-forwarded-for': accounts[i]!.addr }), 201);
    await json(post(url, `/api/v1/spaces/${space.id}/questions/${q.id}/action`, { action: 'approve' }, { authorization: `Bearer ${host.token}`, 'x-forwarded-for': host.addr }), 200);
    return q.id as string;
  });
  const tokens = await inParallel(LISTENERS, 16, async (i) =>
    (await json(post(cluster.origins[i % cluster.origins.length]!.url, `/api/v1/spaces/${space.id}/listener-token`, {}, { 'x-forwarded-for': address(i) }), 201)).listenerToken as string);
  return { spaceId: space.id, tokens, accounts, questions };
}

interface Round { redisCommands: Record<string, number>; postgresStatements: Record<string, number>; writes: number; byKind: Record<string, number>; refused: Record<string, number>; wallSeconds: number; originCpuSeconds: number; redis: { requests: number; roundTrips: number }; postgres: { requests: number; roundTrips: number } }

class Target {
  heartbeatAt = 0;
  voteAt = 0;
  constructor(readonly name: string, readonly cluster: LocalCluster, readonly audience: Audience, readonly redis: WireCounter, readonly postgres: WireCounter) {}
  cpu(): number { return this.cluster.origins.reduce((sum, o) => sum + cpuSeconds(o.pid), 0); }

  /** The next write of the mix; heartbeats go round the listeners (each one every ≥ 10 s when LISTENERS ≥ 10 × rate). */
  nextWrite(random: () => number): { kind: string; path: string; body: unknown; headers: Record<string, string> } {
    const a = this.audience;
    const x = random();
    if (x < MIX.heartbeat) {
      const i = this.heartbeatAt++ % a.tokens.length;
      return { kind: 'heartbeat', path: `/api/v1/spaces/${a.spaceId}/heartbeat`, body: { listenerToken: a.tokens[i] }, headers: { 'x-forwarded-for': address(i) } };
    }
    if (x < MIX.heartbeat + MIX.reaction) {
      const i = Math.floor(random() * a.tokens.length);
      return { kind: 'reaction', path: `/api/v1/spaces/${a.spaceId}/reactions`, body: { reaction: REACTIONS[i % REACTIONS.length] }, headers: { 'x-forwarded-for': address(i) } };
    }
    // Account u votes once on every question but its own: vote k is (k mod V, the next question along).
    const k = this.voteAt++;
    const v = a.accounts.length;
    const u = k % v;
    const q = (u + 1 + (Math.floor(k / v) % (v - 1))) % v;
    return { kind: 'vote', path: `/api/v1/spaces/${a.spaceId}/questions/${a.questions[q]}/vote`, body: {}, headers: { authorization: `Bearer ${a.accounts[u]!.token}`, 'x-forwarded-for': a.accounts[u]!.addr } };
  }
}

async function wireCounts(t: Target) {
  return { redis: t.redis.counts(), postgres: t.postgres.counts() };
}

/** `ratePerSecond`: writes are paced to that rate (open loop) instead of sent as fast as they are answered. */
async function runRound(t: Target, seconds: number, random: () => number, concurrency = CONCURRENCY, ratePerSecond?: number): Promise<Round> {
  const byKind: Record<string, number> = {};
  const refused: Record<string, number> = {};
  let writes = 0;
  let next = 0;
  const before = { cpu: t.cpu(), ...(await wireCounts(t)), at: performance.now(), redisNames: t.redis.byName(), pgNames: t.postgres.byName() };
  const end = before.at + seconds * 1000;
  let slot = before.at;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < end) {
      if (ratePerSecond) {
        const at = (slot += 1000 / ratePerSecond);
        if (at >= end) break;
        const wait = at - performance.now();
        if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      }
      const w = t.nextWrite(random);
      const origin = t.cluster.origins[next++ % t.cluster.origins.length]!;
      try {
        const r = await post(origin.url, w.path, w.body, w.headers);
        if (r.status >= 200 && r.status < 300) { writes++; byKind[w.kind] = (byKind[w.kind] ?? 0) + 1; }
        else { const key = `${w.kind} ${r.status} ${/"code":"(\w+)"/.exec(r.body)?.[1] ?? ''}`.trim(); refused[key] = (refused[key] ?? 0) + 1; }
      } catch (err) {
        refused[`${w.kind} ${(err as Error).message}`] = (refused[`${w.kind} ${(err as Error).message}`] ?? 0) + 1;
      }
    }
  }));
  const after = { cpu: t.cpu(), ...(await wireCounts(t)), at: performance.now() };
  const delta = (a: Record<string, number>, b: Record<string, number>) =>
    Object.fromEntries(Object.entries(b).map(([k, v]) => [k, r2((v - (a[k] ?? 0)) / writes)] as const).filter(([, v]) => v >= 0.01).sort((x, y) => y[1] - x[1]));
  return {
    redisCommands: delta(before.redisNames, t.redis.byName()), postgresStatements: delta(before.pgNames, t.postgres.byName()),
    writes, byKind, refused, wallSeconds: (after.at - before.at) / 1000, originCpuSeconds: after.cpu - before.cpu,
    redis: { requests: after.redis.requests - before.redis.requests, roundTrips: after.redis.roundTrips - before.redis.roundTrips },
    postgres: { requests: after.postgres.requests - before.postgres.requests, roundTrips: after.postgres.roundTrips - before.postgres.roundTrips },
  };
}

/** What the engines see from an idle cluster (leases, registry, reconciler), per second. */
async function idleRates(t: Target, seconds: number) {
  const before = { ...(await wireCounts(t)), cpu: t.cpu() };
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const after = { ...(await wireCounts(t)), cpu: t.cpu() };
  return {
    redisRequestsPerSecond: r2((after.redis.requests - before.redis.requests) / seconds),
    postgresQueriesPerSecond: r2((after.postgres.requests - before.postgres.requests) / seconds),
    originCpuShare: r2((after.cpu - before.cpu) / seconds),
  };
}

const redisPort = Number(new URL(REDIS_URL).port || 6379);
const pgPort = Number(new URL(POSTGRES_URL).port || 5432);
const targets: Target[] = [];
const random = seededRandom(20261201).next;
try {
  for (const n of [1, 3]) {
    const redis = await startWireCounter({ port: redisPort }, 'redis');
    const postgres = await startWireCounter({ port: pgPort }, 'postgres');
    const dbUrl = new URL(POSTGRES_URL);
    dbUrl.port = String(postgres.port);
    const cluster = await startLocalCluster({
      origins: n, port: await freePortRange(n + 1, random), databaseUrl: dbUrl.toString(), redisUrl: `redis://127.0.0.1:${redis.port}`,
      command: TRIBUNE_FROM_SOURCE,
      // The defences protect a deployment from a flood; this is a measured flood of legitimate writes.
      env: { TRIBUNE_UNDER_ATTACK: 'off', TRIBUNE_SHED_EVENT_LOOP_MS: '60000', TRIBUNE_WAITING_ROOM: 'off' },
    });
    const t = new Target(`${n} origin${n > 1 ? 's' : ''}`, cluster, { spaceId: '', tokens: [], accounts: [], questions: [] }, redis, postgres);
    targets.push(t);
    log(`cluster-writes: ${t.name} up; preparing ${LISTENERS} listeners, ${ACCOUNTS} accounts and questions`);
    (t as { audience: Audience }).audience = await prepareAudience(cluster, `w${n}_`);
  }
  const idle = await Promise.all(targets.map((t) => idleRates(t, 3)));
  // A short warm-up each (JIT, pools, connections), then alternate rounds.
  for (const t of targets) await runRound(t, 2, random);
  // The third series: one origin paced at a third of what the three origins took in the same round,
  // i.e. the load each of the three carries. Per core falls with the load on a process (fewer writes
  // share each turn of its event loop and each round trip): this series tells that apart from what the
  // cluster itself costs.
  const series = [
    { name: '1 origin', t: targets[0]!, paced: false },
    { name: '3 origins', t: targets[1]!, paced: false },
    { name: '1 origin at a third of the 3 origins\' rate', t: targets[0]!, paced: true },
  ];
  const rounds: Round[][] = series.map(() => []);
  for (let r = 0; r < ROUNDS; r++) {
    for (const [i, s] of series.entries()) {
      const three = rounds[1]![r]!;
      const round = await runRound(s.t, SECONDS, random, CONCURRENCY, s.paced ? three.writes / three.wallSeconds / 3 : undefined);
      rounds[i]!.push(round);
      log(`cluster-writes: round ${r + 1}/${ROUNDS}, ${s.name}: ${Math.round(round.writes / round.wallSeconds)} writes/s, ${Math.round(round.writes / round.originCpuSeconds)} per core-second, ${r2(round.redis.requests / round.writes)} Redis cmds and ${r2(round.postgres.requests / round.writes)} PG queries per write${Object.keys(round.refused).length ? `, refused ${JSON.stringify(round.refused)}` : ''}`);
    }
  }
  const summary = series.map((s, i) => {
    const rs = rounds[i]!;
    return {
      origins: s.t.cluster.origins.length,
      paced: s.paced,
      writesPerSecondMedian: Math.round(median(rs.map((x) => x.writes / x.wallSeconds))),
      writesPerCoreSecondMedian: Math.round(median(rs.map((x) => x.writes / x.originCpuSeconds))),
      originCoresBusyMedian: r2(median(rs.map((x) => x.originCpuSeconds / x.wallSeconds))),
      redisCommandsPerWrite: r2(median(rs.map((x) => x.redis.requests / x.writes))),
      /** TCP reads the relay saw from the origins: bursts the client sent at once; bursts that follow closely merge, so a lower bound of round trips. */
      redisBurstsPerWrite: r2(median(rs.map((x) => x.redis.roundTrips / x.writes))),
      postgresQueriesPerWrite: r2(median(rs.map((x) => x.postgres.requests / x.writes))),
      idle: idle[targets.indexOf(s.t)],
      rounds: rs.map((x) => ({ ...x, wallSeconds: r2(x.wallSeconds), originCpuSeconds: r2(x.originCpuSeconds) })),
    };
  });
  const [one, three, oneThird] = summary;
  console.log(JSON.stringify({
    machineCores: cpus().length, mix: MIX, seconds: SECONDS, rounds: ROUNDS, concurrency: CONCURRENCY, listeners: LISTENERS, accounts: ACCOUNTS,
    oneOrigin: one, threeOrigins: three, oneOriginThirdLoad: oneThird,
    perCoreRatio3to1: r2(three!.writesPerCoreSecondMedian / one!.writesPerCoreSecondMedian),
    perCoreRatio3toOneAtThirdLoad: r2(three!.writesPerCoreSecondMedian / oneThird!.writesPerCoreSecondMedian),
  }, null, 2));
} finally {
  for (const t of targets) {
    await t.cluster.stop().catch((err) => log(`stop: ${String(err)}`));
    await t.redis.close();
    await t.postgres.close();
  }
  agent.destroy();
}
