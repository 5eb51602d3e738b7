/**
 * Benchmark: origin load vs audience size behind one nginx edge (deploy/nginx/edge.conf).
 * 1k, 5k, 20k simulated LL-HLS listeners (each: blocking playlist reload for the next part, then
 * the part; keep-alive connection pools shared by many listeners), loopback only, bounded in time.
 * Reports per level: origin requests/s and origin CPU (a child process, /proc/<pid>/stat), nginx
 * worker CPU per 1k listeners, what the client achieved (requests/s, parts per listener, lag).
 *
 *   npx tsx bench/audience-origin-load.ts [--levels 1000,5000,20000] [--seconds 10] [--sockets 512] [--direct 1000]
 *
 * --direct N adds a contrast run: N listeners straight at the origin, no edge (0 to skip).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuSeconds, startEdge } from '../test/helpers/nginx-edge.js';

const argv = process.argv;
const opt = (name: string, fallback: string): string => {
  const i = argv.indexOf(`--${name}`);
  return i > 0 ? argv[i + 1]! : fallback;
};

// ---------------------------------------------------------------- origin (child process)
async function runOrigin(): Promise<void> {
  const { createAudience } = await import('../src/audience/index.js');
  const { buildAudienceApp } = await import('../test/helpers/audience-app.js');
  const { encodeProgram, speechPcm } = await import('../test/helpers/speech-program.js');
  const dataDir = mkdtempSync(join(tmpdir(), 'tribune-bench-origin-'));
  const audience = createAudience({ dataDir });
  const app = await buildAudienceApp(audience);
  const counts = { part: 0, blocking: 0, playlist: 0, other: 0 };
  app.server.on('request', (req: { url?: string }) => {
    const url = req.url ?? '';
    if (url.includes('/part-')) counts.part++;
    else if (url.includes('_HLS_msn')) counts.blocking++;
    else if (url.includes('.m3u8')) counts.playlist++;
    else counts.other++;
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const frames = encodeProgram(speechPcm('The origin packages once; the edge answers everyone. '.repeat(3)));
  let space: { id: string; timer: NodeJS.Timeout } | undefined;
  const startSpace = (id: string): void => {
    const sink = audience.begin(id);
    const t0 = performance.now();
    let i = 0;
    // Real-time 20 ms clock, catching up on late timers so the program never drifts.
    const timer = setInterval(() => {
      const due = Math.floor((performance.now() - t0) / 20);
      for (; i <= due; i++) {
        const f = frames[i % frames.length]!;
        sink.push({ opus: f.opus, pts: i * 960, wallClock: Date.now() });
      }
    }, 10);
    space = { id, timer };
  };
  process.on('message', (m: { type: string; spaceId?: string }) => {
    if (m.type === 'start') startSpace(m.spaceId!);
    if (m.type === 'stop' && space) {
      clearInterval(space.timer);
      space = undefined;
    }
    if (m.type === 'stats') process.send!({ type: 'stats', counts: { ...counts }, parts: audience.stats().partsProduced });
    if (m.type === 'exit') {
      void (async () => {
        await app.close();
        await audience.close();
        rmSync(dataDir, { recursive: true, force: true });
        process.exit(0);
      })();
    }
  });
  process.send!({ type: 'ready', port: (app.server.address() as { port: number }).port });
}

// ---------------------------------------------------------------- listeners (this process)
interface Totals { requests: number; parts: number; errors: number; jumps: number }

function get(agent: Agent, port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('latin1') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function listener(agent: Agent, port: number, base: string, stop: { stopped: boolean }, totals: Totals): Promise<void> {
  let want: { msn: number; part: number } | undefined;
  while (!stop.stopped && !want) {
    try {
      const r = await get(agent, port, `${base}/audio.m3u8`);
      totals.requests++;
      const m = /PRELOAD-HINT:TYPE=PART,URI="part-(\d+)\.(\d+)\.m4s"/.exec(r.body);
      if (m) want = { msn: Number(m[1]), part: Number(m[2]) };
    } catch {
      totals.errors++;
    }
  }
  while (!stop.stopped && want) {
    try {
      const uri = `part-${want.msn}.${want.part}.m4s`;
      const pl = await get(agent, port, `${base}/audio.m3u8?_HLS_msn=${want.msn}&_HLS_part=${want.part}`);
      totals.requests++;
      if (pl.status !== 200) continue;
      // Like hls.js (liveMaxLatencyDuration), a listener that fell more than 3 s behind the live
      // edge jumps to it: when the load generator cannot keep up, listeners still ask for what a
      // real player asks for (the newest part), which is what the origin's load depends on.
      const hint = /PRELOAD-HINT:TYPE=PART,URI="part-(\d+)\.(\d+)\.m4s"/.exec(pl.body);
      if (hint) {
        const edge = Number(hint[1]) * 10 + Number(hint[2]);
        if (edge - (want.msn * 10 + want.part) > 15) {
          totals.jumps++;
          want = { msn: Number(hint[1]), part: Number(hint[2]) };
          continue;
        }
      }
      if (!pl.body.includes(uri)) continue;
      const part = await get(agent, port, `${base}/${uri}`);
      totals.requests++;
      if (part.status !== 200) { totals.errors++; continue; }
      totals.parts++;
      want = want.part === 9 ? { msn: want.msn + 1, part: 0 } : { msn: want.msn, part: want.part + 1 };
    } catch {
      totals.errors++;
    }
  }
}

function ask<T>(child: ChildProcess, type: string, extra: object = {}): Promise<T> {
  return new Promise((resolve) => {
    const on = (m: { type: string }): void => {
      if (m.type === type) { child.off('message', on); resolve(m as T); }
    };
    child.on('message', on);
    child.send({ type, ...extra });
  });
}

async function main(): Promise<void> {
  const levels = opt('levels', '1000,5000,20000').split(',').map(Number);
  const seconds = Number(opt('seconds', '10'));
  const sockets = Number(opt('sockets', '512'));
  const child = fork(fileURLToPath(import.meta.url), ['--origin'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = await new Promise<{ port: number }>((resolve) => child.once('message', (m) => resolve(m as { port: number })));
  const edge = await startEdge({ primary: `127.0.0.1:${ready.port}` }, { workerProcesses: 'auto' });
  const rows: Array<Record<string, number> & { listeners: number }> = [];
  try {
    const direct = Number(opt('direct', '1000'));
    const plan = [...(direct > 0 ? [{ n: direct, via: 'origin' as const }] : []), ...levels.map((n) => ({ n, via: 'edge' as const }))];
    for (const { n, via } of plan) {
      const port = via === 'edge' ? edge.port : ready.port;
      const spaceId = `load-${via}-${n}`;
      child.send({ type: 'start', spaceId });
      await new Promise((r) => setTimeout(r, 1500));
      const agent = new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
      const stop = { stopped: false };
      const totals: Totals = { requests: 0, parts: 0, errors: 0, jumps: 0 };
      const base = `/hls/${spaceId}`;
      const running: Array<Promise<void>> = [];
      // Ramp over 2 s, as a crowd arrives.
      for (let i = 0; i < n; i++) {
        running.push(listener(agent, port, base, stop, totals));
        if (i % Math.max(1, Math.floor(n / 20)) === 0) await new Promise((r) => setTimeout(r, 100));
      }
      await new Promise((r) => setTimeout(r, 1000));
      // Measurement window.
      const s0 = await ask<{ counts: Record<string, number>; parts: number }>(child, 'stats');
      const o0 = cpuSeconds(child.pid!);
      const w0 = edge.workerPids().reduce((c, p) => c + cpuSeconds(p), 0);
      const c0 = process.cpuUsage();
      const r0 = totals.requests;
      const p0 = totals.parts;
      const t0 = performance.now();
      await new Promise((r) => setTimeout(r, seconds * 1000));
      const dt = (performance.now() - t0) / 1000;
      const s1 = await ask<{ counts: Record<string, number>; parts: number }>(child, 'stats');
      const o1 = cpuSeconds(child.pid!);
      const w1 = edge.workerPids().reduce((c, p) => c + cpuSeconds(p), 0);
      const c1 = process.cpuUsage(c0);
      const originRequests = Object.values(s1.counts).reduce((a, b) => a + b, 0) - Object.values(s0.counts).reduce((a, b) => a + b, 0);
      rows.push({
        via: via === 'edge' ? 1 : 0,
        listeners: n,
        seconds: Math.round(dt * 10) / 10,
        partsProduced: s1.parts - s0.parts,
        originRequestsPerSecond: Math.round((originRequests / dt) * 10) / 10,
        originPartRequestsPerSecond: Math.round(((s1.counts.part! - s0.counts.part!) / dt) * 10) / 10,
        // The invariant: origin requests per part produced, whatever the audience (ideal ~2: one
        // blocking reload and one part per part; an edge without collapsing would show ~2 x listeners).
        originRequestsPerPart: Math.round((originRequests / Math.max(1, s1.parts - s0.parts)) * 100) / 100,
        originCpuPercent: Math.round(((o1 - o0) / dt) * 1000) / 10,
        edgeCpuPercent: Math.round(((w1 - w0) / dt) * 1000) / 10,
        edgeCpuPercentPer1kListeners: Math.round(((w1 - w0) / dt / (n / 1000)) * 1000) / 10,
        clientRequestsPerSecond: Math.round((totals.requests - r0) / dt),
        edgeCpuPercentPer1kRequestsPerSecond: Math.round(((w1 - w0) / dt / ((totals.requests - r0) / dt / 1000)) * 1000) / 10,
        jumpsToLiveEdge: totals.jumps,
        clientCpuPercent: Math.round(((c1.user + c1.system) / 1e6 / dt) * 1000) / 10,
        // A real LL-HLS player fetches 5 parts/s (200 ms parts); below that the load generator is the limit.
        partsPerListenerPerSecond: Math.round(((totals.parts - p0) / n / dt) * 100) / 100,
        errors: totals.errors,
      });
      stop.stopped = true;
      child.send({ type: 'stop' });
      await Promise.race([Promise.all(running), new Promise((r) => setTimeout(r, 8000))]);
      agent.destroy();
      console.error(`${via}: ${JSON.stringify(rows.at(-1))}`);
    }
  } finally {
    await edge.stop();
    child.send({ type: 'exit' });
    await new Promise((r) => child.once('exit', r));
  }
  const direct = rows.filter((r) => r.via === 0);
  const edged = rows.filter((r) => r.via === 1);
  const first = edged[0]!;
  const last = edged.at(-1)!;
  const result = {
    bench: 'audience-origin-load', partTargetMs: 200, edge: 'nginx (deploy/nginx/edge.conf, worker_processes auto)', clientSockets: sockets,
    rowsViaEdge: edged, rowsDirectToOriginNoEdge: direct,
    note: 'one machine, loopback: the load generator (node:http, keep-alive) tops out near 6k req/s on 2 cores, i.e. ~600 listeners at full LL-HLS rate; above that each simulated listener asks less often than a real player (partsPerListenerPerSecond < 5) but always for the newest part',
    originRequestsRatioLastToFirst: Math.round((last.originRequestsPerSecond! / first.originRequestsPerSecond!) * 100) / 100,
    originCpuRatioLastToFirst: Math.round((last.originCpuPercent! / Math.max(0.1, first.originCpuPercent!)) * 100) / 100,
    target: 'origin requests/s and CPU flat within 10% from 1k to 20k listeners',
  };
  console.log(JSON.stringify(result, null, 2));
  const d = direct[0];
  console.log((d ? `audience-origin-load: no edge, ${d.listeners / 1000}k listeners -> origin ${d.originRequestsPerSecond} req/s, ${d.originCpuPercent}% CPU | ` : 'audience-origin-load: ') + `edge: ${edged.map((r) => `${r.listeners / 1000}k listeners -> origin ${r.originRequestsPerSecond} req/s (${r.originRequestsPerPart}/part), ${r.originCpuPercent}% CPU; edge ${r.edgeCpuPercentPer1kListeners}% CPU per 1k listeners, ${r.edgeCpuPercentPer1kRequestsPerSecond}% per 1k req/s`).join('; ')}`);
}

if (argv.includes('--origin')) await runOrigin();
else await main();
