/**
 * WebRTC fan-out of one program to N listeners: Tribune's WHEP (encode once, packetize once,
 * SRTP per listener in libdatachannel) against the Janus streaming plugin (Debian janus 1.1) fed
 * the same Opus RTP, same N, same subscriber peers (libdatachannel), same machine, same run.
 * Each server runs in its own process; its CPU (all threads) and RSS are read from /proc.
 *
 *   npx tsx bench/stage-fanout.ts [counts=100,250,500] [window-seconds=10] [targets=tribune,janus]
 *
 * Tribune is fed by a WHIP publisher (its mixer decodes and re-encodes the program: a constant
 * ~1% of a core, in the 0-listener baseline); Janus by plain RTP on a UDP port, as its mountpoint
 * expects. Tribune and its peers use 127.0.0.1. Janus runs in a network namespace this script
 * creates and deletes (needs root; otherwise the Janus side is skipped), reached over a veth pair
 * on 10.213.x.0/30, because libnice will not gather ICE candidates on loopback. Reported per N: server CPU (cores), packets/s sent (N x 50, checked on a sample of
 * subscribers), packets/s per core, CPU and memory per listener above the 0-listener baseline.
 */
import { existsSync } from 'node:fs';
import { fork } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { fileURLToPath } from 'node:url';
import ndc from 'node-datachannel';
import { writeRtp } from '../src/stage/rtp.js';
import { candidateAddresses, startJanus, janusWatch } from './lib/janus.js';
import { netnsUnavailable } from './lib/netns.js';
import { NdcAnswerer, NdcPeer } from './lib/ndc-peers.js';
import { opusTone, round } from './lib/opus-tones.js';
import { procStats } from './lib/proc-stats.js';

const counts = (process.argv[2] ?? '100,250,500').split(',').map(Number);
const windowSeconds = Number(process.argv[3] ?? 10);
const targets = (process.argv[4] ?? 'tribune,janus').split(',');
const SAMPLE_EVERY = 10;
const frames = opusTone(440, 50, 0.2, 48_000);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Subscriber { close(): void; readonly packets: number }
interface Target {
  readonly pid: number;
  subscribe(index: number): Promise<Subscriber>;
  stop(): Promise<void>;
}

async function startTribune(): Promise<Target> {
  const child = fork(fileURLToPath(new URL('./lib/tribune-fanout-server.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const ready = await new Promise<{ port: number }>((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve(JSON.parse(d.toString().split('\n')[0]!)));
    child.once('exit', () => reject(new Error('tribune server exited')));
  });
  const base = `http://127.0.0.1:${ready.port}/api/v1/spaces/bench`;
  const post = async (kind: string, offer: string): Promise<string> => {
    const res = await fetch(`${base}/${kind}`, { method: 'POST', body: offer, headers: { 'content-type': 'application/sdp', authorization: 'Bearer bench' } });
    if (res.status !== 201) throw new Error(`${kind} ${res.status} ${await res.text()}`);
    return res.text();
  };
  // The speaker: a WHIP publisher sending the same Opus frames Janus gets.
  const speaker = new NdcPeer('send', 'speaker', '127.0.0.1');
  await speaker.connect((offer) => post('whip', offer));
  let seq = 0;
  const feed = startFeed(() => {
    speaker.track.sendMessageBinary(writeRtp(111, seq, seq * 960, speaker.ssrc, frames[seq % frames.length]!));
    seq += 1;
  });
  return {
    pid: child.pid!,
    subscribe: async (index) => {
      // libdatachannel (client side) now and then refuses an answer with "remote candidate without
      // ICE transport" right after gathering; a fresh peer succeeds.
      for (let attempt = 0; ; attempt++) {
        const peer = new NdcPeer('recv', `sub-${index}`, '127.0.0.1');
        if (index % SAMPLE_EVERY === 0) peer.countRtp();
        try {
          await peer.connect((offer) => post('whep', offer));
          return peer;
        } catch (err) {
          peer.close();
          if (attempt >= 2) throw err;
        }
      }
    },
    stop: async () => {
      feed.stop();
      speaker.close();
      child.kill('SIGTERM');
      await new Promise((r) => { child.once('exit', r); setTimeout(r, 5000); });
    },
  };
}

async function startJanusTarget(): Promise<Target> {
  // Janus runs in a network namespace this script creates (libnice will not gather on loopback):
  // its subscribers bind to the host end of the veth pair, everything else goes to the namespace.
  const rtpPort = 15_000 + Math.floor(Math.random() * 1000);
  const janus = await startJanus(18_000 + Math.floor(Math.random() * 1000), rtpPort);
  const { hostAddress, nsAddress } = janus.netns;
  const socket = createSocket('udp4');
  let feed: { stop(): void } | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, hostAddress, () => { socket.off('error', reject); resolve(); });
    });
    let seq = 0;
    feed = startFeed(() => {
      socket.send(writeRtp(111, seq, seq * 960, 0x5eed, frames[seq % frames.length]!), rtpPort, nsAddress);
      seq += 1;
    });
  } catch (err) {
    socket.close();
    await janus.stop();
    throw err;
  }
  const onlyAt = (sdp: string, address: string, who: string): void => {
    const stray = candidateAddresses(sdp).filter((a) => a !== address);
    if (stray.length) throw new Error(`${who} offered candidates outside the bench namespace link: ${stray.join(', ')}`);
  };
  return {
    pid: janus.process.pid!,
    subscribe: async (index) => {
      // Under load a subscriber now and then fails to connect within 10 s; a fresh one succeeds.
      for (let attempt = 0; ; attempt++) {
        const peer = new NdcAnswerer(`sub-${index}`, hostAddress, index % SAMPLE_EVERY === 0);
        try {
          const { offer, start } = await janusWatch(janus.url);
          onlyAt(offer, nsAddress, 'janus');
          const answer = await peer.answer(offer);
          onlyAt(answer, hostAddress, 'subscriber');
          if (index === 0) console.error(`janus candidates ${candidateAddresses(offer).join(',')}; subscriber candidates ${candidateAddresses(answer).join(',')}`);
          await start(answer);
          const deadline = Date.now() + 10_000;
          while (peer.pc.state() !== 'connected' && Date.now() < deadline) await sleep(20);
          if (peer.pc.state() !== 'connected') throw new Error('janus subscriber did not connect');
          return peer;
        } catch (err) {
          peer.close();
          if (attempt >= 2) throw err;
          console.error(`janus subscriber ${index}: ${(err as Error).message}; retrying`);
        }
      }
    },
    stop: async () => {
      feed!.stop();
      socket.close();
      await janus.stop();
    },
  };
}

/** 50 packets/s on a drift-free schedule. */
function startFeed(send: () => void): { stop(): void } {
  const start = performance.now();
  let sent = 0;
  let timer: NodeJS.Timeout | undefined;
  const pump = (): void => {
    const due = Math.floor((performance.now() - start) / 20) + 1;
    while (sent < due) { send(); sent += 1; }
    timer = setTimeout(pump, Math.max(0, start + sent * 20 - performance.now()));
  };
  pump();
  return { stop: () => clearTimeout(timer) };
}

async function measure(pid: number, subscribers: Subscriber[]): Promise<{ cores: number; rssMiB: number; threads: number; sampledPacketsPerSecond: number }> {
  const sample = subscribers.filter((_, i) => i % SAMPLE_EVERY === 0);
  const before = procStats(pid);
  const packetsBefore = sample.map((s) => s.packets);
  const t0 = performance.now();
  await sleep(windowSeconds * 1000);
  const after = procStats(pid);
  const seconds = (performance.now() - t0) / 1000;
  const rates = sample.map((s, i) => (s.packets - packetsBefore[i]!) / seconds);
  return {
    cores: (after.cpuSeconds - before.cpuSeconds) / seconds,
    rssMiB: after.rssBytes / 2 ** 20,
    threads: after.threads,
    sampledPacketsPerSecond: rates.length ? rates.reduce((a, b) => a + b, 0) / rates.length : 0,
  };
}

async function runTarget(name: string): Promise<Record<string, unknown>[]> {
  const target = name === 'janus' ? await startJanusTarget() : await startTribune();
  const rows: Record<string, unknown>[] = [];
  const subscribers: Subscriber[] = [];
  try {
    await sleep(2000);
    console.error(name, 'measuring baseline');
    const baseline = await measure(target.pid, subscribers);
    rows.push({ target: name, listeners: 0, serverCores: round(baseline.cores, 4), rssMiB: round(baseline.rssMiB, 1), threads: baseline.threads });
    for (const n of counts) {
      while (subscribers.length < n) {
        const batch = Math.min(Number(process.env.BATCH ?? 1), n - subscribers.length);
        const made = await Promise.all(Array.from({ length: batch }, (_, i) => target.subscribe(subscribers.length + i)));
        subscribers.push(...made);
      }
      await sleep(3000);
      const m = await measure(target.pid, subscribers);
      const packetsPerSecond = n * 50;
      rows.push({
        target: name,
        listeners: n,
        serverCores: round(m.cores, 4),
        packetsPerSecondSent: packetsPerSecond,
        packetsPerSecondPerCore: Math.round(packetsPerSecond / m.cores),
        cpuPerListenerPercentOfCore: round(((m.cores - baseline.cores) / n) * 100, 4),
        rssMiB: round(m.rssMiB, 1),
        memoryPerListenerKiB: round(((m.rssMiB - baseline.rssMiB) * 1024) / n, 1),
        threads: m.threads,
        sampledSubscriberPacketsPerSecond: round(m.sampledPacketsPerSecond, 1),
      });
      console.error(JSON.stringify(rows.at(-1)));
    }
  } finally {
    console.error(name, 'closing subscribers');
    for (const s of subscribers) s.close();
    console.error(name, 'stopping server');
    await target.stop();
    console.error(name, 'stopped');
  }
  return rows;
}

const results: Record<string, unknown>[] = [];
for (const name of targets) {
  if (name === 'janus') {
    // The anchor is a Debian package of its own: without it the table says the anchor is unmeasured.
    if (!existsSync('/usr/bin/janus')) {
      console.error('janus: skipped, not installed (apt-get install janus to measure the anchor)');
      continue;
    }
    const why = netnsUnavailable();
    if (why) {
      console.error(`janus: skipped, it runs in a network namespace this script creates and ${why}`);
      continue;
    }
  }
  results.push(...(await runTarget(name)));
}
const ratios = counts.map((n) => {
  const t = results.find((r) => r['target'] === 'tribune' && r['listeners'] === n);
  const j = results.find((r) => r['target'] === 'janus' && r['listeners'] === n);
  return t && j ? {
    listeners: n,
    cpuRatioTribuneOverJanus: round(Number(t['serverCores']) / Number(j['serverCores']), 3),
    perListenerCpuRatio: round(Number(t['cpuPerListenerPercentOfCore']) / Number(j['cpuPerListenerPercentOfCore']), 3),
  } : { listeners: n };
});
console.log(JSON.stringify({ bench: 'stage-fanout', windowSeconds, results, ratios }, null, 2));
const last = counts.at(-1)!;
const t = results.find((r) => r['target'] === 'tribune' && r['listeners'] === last);
const r = ratios.find((x) => x.listeners === last);
console.log(`stage-fanout: ${last} WHEP listeners: Tribune ${t?.['packetsPerSecondPerCore']} packets/s per core, ${t?.['cpuPerListenerPercentOfCore']}% of a core and ${t?.['memoryPerListenerKiB']} KiB per listener; CPU Tribune/Janus = ${'cpuRatioTribuneOverJanus' in (r ?? {}) ? (r as { cpuRatioTribuneOverJanus: number }).cpuRatioTribuneOverJanus : 'n/a'}`);
setTimeout(() => { ndc.cleanup(); process.exit(0); }, 300);
