import { execFileSync, type ChildProcess } from 'node:child_process';

/**
 * A network namespace the bench creates for a server under test, joined to the root namespace by a
 * veth pair on a private /30 (10.213.<subnet>.0/30: host side .1, namespace side .2). Bench traffic
 * then only goes to an address inside a namespace this process made; nothing touches eth0 or any
 * other interface of the machine. Needs root (`ip netns add`).
 */
export interface Netns {
  readonly name: string;
  /** veth end left in the root namespace (holds `hostAddress`). */
  readonly hostIf: string;
  /** veth end inside the namespace (holds `nsAddress`). */
  readonly nsIf: string;
  readonly hostAddress: string;
  readonly nsAddress: string;
  /** Command prefix that runs a program inside the namespace: `[...prefix, program, ...args]`. */
  readonly execPrefix: readonly string[];
  /** A process started in the namespace: SIGKILLed by `destroy()` if still running by then. */
  adopt(child: ChildProcess): void;
  /** Runs `fn` (synchronous) at the end of `destroy()`, e.g. to remove a config directory. */
  onDestroy(fn: () => void): void;
  /** Kills adopted processes still running, deletes the veth pair and the namespace; idempotent, synchronous, never throws. */
  destroy(): void;
}

const IP = '/usr/sbin/ip';
const TIMEOUT_MS = 5000;

function ip(args: string[]): string {
  return execFileSync(IP, args, { timeout: TIMEOUT_MS, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
}

function quiet(args: string[]): void {
  try { ip(args); } catch { /* already gone */ }
}

/** Undefined when namespaces can be made here, otherwise why not. */
export function netnsUnavailable(): string | undefined {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'not running as root (`ip netns add` needs CAP_SYS_ADMIN)';
  try {
    ip(['netns', 'list']);
  } catch (err) {
    return `\`ip netns\` does not work here: ${(err as Error).message.split('\n')[0]}`;
  }
  return undefined;
}

/** Subnets (third octet of 10.213.x.0/30) already on some interface of the root namespace. */
function usedSubnets(): Set<number> {
  const used = new Set<number>();
  for (const m of ip(['-4', '-o', 'addr', 'show']).matchAll(/inet 10\.213\.(\d+)\./g)) used.add(Number(m[1]));
  return used;
}

/**
 * Creates namespace `tribune-<tag>-<pid>` with veth `tb<tag0><pid>h` (root) / `...j` (namespace),
 * addresses from a free 10.213.x.0/30, both ends and the namespace's `lo` up. Removed by
 * `destroy()`, and also on process exit, SIGINT and SIGTERM if the caller never gets there.
 */
export function createNetns(tag = 'janus'): Netns {
  const reason = netnsUnavailable();
  if (reason) throw new Error(`cannot create a network namespace: ${reason}`);
  const name = `tribune-${tag}-${process.pid}`;
  const suffix = `${tag[0] ?? 'x'}${process.pid}`.slice(0, 11); // interface names: at most 15 chars
  const hostIf = `tb${suffix}h`;
  const nsIf = `tb${suffix}j`;
  const used = usedSubnets();
  let subnet = process.pid % 250;
  for (let tries = 0; used.has(subnet); tries++) {
    if (tries >= 250) throw new Error('no free 10.213.x.0/30 subnet');
    subnet = (subnet + 1) % 250;
  }
  const hostAddress = `10.213.${subnet}.1`;
  const nsAddress = `10.213.${subnet}.2`;

  const children: ChildProcess[] = [];
  const hooks: (() => void)[] = [];
  let destroyed = false;
  const destroy = (): void => {
    if (destroyed) return;
    destroyed = true;
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    process.off('exit', destroy);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    // Deleting one veth end removes the pair at once, even while a process still holds the netns.
    quiet(['link', 'del', hostIf]);
    quiet(['netns', 'del', name]);
    for (const fn of hooks) {
      try { fn(); } catch { /* best effort */ }
    }
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    destroy();
    process.kill(process.pid, signal); // handlers are gone now: default action (terminate)
  };
  process.on('exit', destroy);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    // A namespace of the same name left by a crashed run of a process with this pid.
    quiet(['link', 'del', hostIf]);
    quiet(['netns', 'del', name]);
    ip(['netns', 'add', name]);
    ip(['link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf]);
    ip(['link', 'set', nsIf, 'netns', name]);
    ip(['addr', 'add', `${hostAddress}/30`, 'dev', hostIf]);
    ip(['link', 'set', hostIf, 'up']);
    ip(['netns', 'exec', name, IP, 'addr', 'add', `${nsAddress}/30`, 'dev', nsIf]);
    ip(['netns', 'exec', name, IP, 'link', 'set', nsIf, 'up']);
    ip(['netns', 'exec', name, IP, 'link', 'set', 'lo', 'up']);
  } catch (err) {
    destroy();
    throw err;
  }
  return {
    name, hostIf, nsIf, hostAddress, nsAddress,
    execPrefix: [IP, 'netns', 'exec', name],
    adopt: (child) => { children.push(child); },
    onDestroy: (fn) => { hooks.push(fn); },
    destroy,
  };
}
