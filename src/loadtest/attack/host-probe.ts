import { publishWhip, toneSource } from '../../clients/index.js';

export interface ProbeResult {
  /** Seconds since the run started. */
  readonly t: number;
  readonly ok: boolean;
  /** POST to connected media, ms (when ok). */
  readonly connectMs: number | null;
  /** Why it failed: the catalogue code of a refusal, or the client's reason. */
  readonly reason: string | undefined;
}

const PROBE_CONNECT_TIMEOUT_MS = 5_000;

/**
 * Can the host still go on air? Every interval, the host publishes over WHIP with their own session
 * (their seat, not the running speaker's), waits for media to connect, and hangs up. One at a time.
 */
export class HostProbe {
  readonly results: ProbeResult[] = [];
  #stopped = false;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(private readonly url: string, private readonly hostToken: string, private readonly intervalMs: number, private readonly elapsedS: () => number) {}

  start(): void {
    const loop = (): void => {
      if (this.#stopped) return;
      this.#running = this.#probe().finally(() => {
        if (!this.#stopped) this.#timer = setTimeout(loop, this.intervalMs);
      });
    };
    loop();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  async #probe(): Promise<void> {
    const t = this.elapsedS();
    try {
      const publisher = await publishWhip({ url: this.url, bearer: this.hostToken, source: toneSource(880, 0.05), connectTimeoutMs: PROBE_CONNECT_TIMEOUT_MS, reconnect: false });
      const { connectMs } = publisher.stats();
      await publisher.close();
      this.results.push({ t, ok: true, connectMs: Math.round(connectMs), reason: undefined });
    } catch (err) {
      const e = err as { code?: string; status?: number; message?: string };
      this.results.push({ t, ok: false, connectMs: null, reason: e.code ?? (e.status ? `http ${e.status}` : (e.message ?? 'failed').slice(0, 80)) });
    }
  }
}
