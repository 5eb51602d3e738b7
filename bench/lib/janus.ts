import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNetns, type Netns } from './netns.js';

const PLUGINS = '/usr/lib/x86_64-linux-gnu/janus/plugins';
const TRANSPORTS = '/usr/lib/x86_64-linux-gnu/janus/transports';

export interface JanusServer {
  readonly process: ChildProcess;
  /** The namespace Janus runs in; reach it at `netns.nsAddress` from `netns.hostAddress`. */
  readonly netns: Netns;
  readonly url: string;
  /** Where to send the mountpoint's RTP: `netns.nsAddress`:`rtpPort`. */
  readonly rtpPort: number;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5000;

/**
 * Starts Debian's Janus in a network namespace of its own (see netns.ts; needs root) with a
 * generated config: only the streaming plugin and the HTTP transport (on the namespace's address),
 * one RTP mountpoint (id 1, Opus PT 111 on `rtpPort` of the namespace's address), ICE only on the
 * namespace's veth end (libnice skips loopback), a static pool of `eventLoops` loop threads (the
 * default would start one thread per handle). The namespace goes away with `stop()`, and on exit or
 * SIGINT/SIGTERM if `stop()` is never reached.
 */
export async function startJanus(httpPort: number, rtpPort: number, eventLoops = 2): Promise<JanusServer> {
  const netns = createNetns('janus');
  const cleanup = (): void => netns.destroy();
  let child: ChildProcess;
  try {
    const dir = mkdtempSync(join(tmpdir(), 'tribune-janus-'));
    netns.onDestroy(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'janus.jcfg'), `
general: {
  configs_folder = "${dir}"
  plugins_folder = "${PLUGINS}"
  transports_folder = "${TRANSPORTS}"
  log_to_stdout = true
  debug_level = 2
  session_timeout = 0
  event_loops = ${eventLoops}
}
plugins: {
  disable = "libjanus_audiobridge.so,libjanus_duktape.so,libjanus_echotest.so,libjanus_lua.so,libjanus_nosip.so,libjanus_recordplay.so,libjanus_sip.so,libjanus_textroom.so,libjanus_videocall.so,libjanus_videoroom.so,libjanus_voicemail.so"
}
transports: {
  disable = "libjanus_websockets.so,libjanus_mqtt.so,libjanus_nanomsg.so,libjanus_pfunix.so,libjanus_rabbitmq.so"
}
events: { broadcast = false }
loggers: { disable = "libjanus_jsonlog.so" }
media: { rtp_port_range = "30000-39999" }
nat: {
  full_trickle = false
  ice_enforce_list = "${netns.nsIf}"
  ignore_mdns = true
}
`);
    writeFileSync(join(dir, 'janus.transport.http.jcfg'), `
general: { json = "plain" base_path = "/janus" http = true port = ${httpPort} ip = "${netns.nsAddress}" https = false }
admin: { admin_http = false }
`);
    writeFileSync(join(dir, 'janus.plugin.streaming.jcfg'), `
general: { events = false }
bench: {
  type = "rtp"
  id = 1
  description = "bench"
  media = ( { type = "audio" mid = "a" label = "audio" port = ${rtpPort} iface = "${netns.nsAddress}" pt = 111 codec = "opus" } )
}
`);
    // `ip netns exec` execs the program (no fork), so the child's pid is Janus's own.
    const [cmd, ...prefix] = netns.execPrefix;
    child = spawn(cmd!, [...prefix, '/usr/bin/janus', '-F', dir, '-C', join(dir, 'janus.jcfg')], { stdio: ['ignore', 'pipe', 'pipe'] });
    netns.adopt(child);
  } catch (err) {
    cleanup();
    throw err;
  }
  let log = '';
  child.stdout!.on('data', (d: Buffer) => {
    log = (log + d.toString()).slice(-20_000);
    if (process.env['JANUS_LOG']) process.stderr.write(d);
  });
  child.stderr!.on('data', (d: Buffer) => { log = (log + d.toString()).slice(-20_000); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGINT');
      await Promise.race([exited, new Promise((r) => setTimeout(r, STOP_TIMEOUT_MS))]);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await Promise.race([exited, new Promise((r) => setTimeout(r, STOP_TIMEOUT_MS))]);
      }
    }
    cleanup();
  };
  const url = `http://${netns.nsAddress}:${httpPort}/janus`;
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    try {
      const res = await fetch(`${url}/info`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) break;
    } catch { /* not up yet */ }
    if (Date.now() > deadline || child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(`janus did not start:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { process: child, netns, url, rtpPort, stop };
}

/** Connection addresses of the `a=candidate` lines of an SDP. */
export function candidateAddresses(sdp: string): string[] {
  return [...sdp.matchAll(/^a=candidate:\S+ \d+ \S+ \d+ (\S+) \d+/gm)].map((m) => m[1]!);
}

let transaction = 0;
async function janusPost(url: string, body: Record<string, unknown>): Promise<Record<string, any>> {
  const res = await fetch(url, { method: 'POST', body: JSON.stringify({ ...body, transaction: `t${++transaction}` }), signal: AbortSignal.timeout(10_000) });
  return (await res.json()) as Record<string, any>;
}

/** Janus streaming "watch": returns Janus's offer and a function to send our answer ("start"). */
export async function janusWatch(url: string, mountpoint = 1): Promise<{ offer: string; start: (answer: string) => Promise<void> }> {
  const session = await janusPost(url, { janus: 'create' });
  const sessionUrl = `${url}/${session.data.id}`;
  const handle = await janusPost(sessionUrl, { janus: 'attach', plugin: 'janus.plugin.streaming' });
  const handleUrl = `${sessionUrl}/${handle.data.id}`;
  await janusPost(handleUrl, { janus: 'message', body: { request: 'watch', id: mountpoint } });
  let offer: string | undefined;
  const deadline = Date.now() + 10_000;
  while (!offer && Date.now() < deadline) {
    let events: Record<string, any>[];
    try {
      const res = await fetch(`${sessionUrl}?maxev=5`, { signal: AbortSignal.timeout(Math.max(1, deadline - Date.now())) });
      events = ([] as Record<string, any>[]).concat((await res.json()) as Record<string, any>);
    } catch {
      break; // timed out
    }
    for (const event of events) if (event.jsep?.type === 'offer') offer = event.jsep.sdp as string;
  }
  if (!offer) throw new Error('janus sent no offer');
  return {
    offer,
    start: async (answer: string) => {
      await janusPost(handleUrl, { janus: 'message', body: { request: 'start' }, jsep: { type: 'answer', sdp: answer } });
    },
  };
}
