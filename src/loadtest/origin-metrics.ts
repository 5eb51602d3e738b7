import type { HttpClient } from './http-client.js';

export interface OriginSample {
  /** Seconds since the run started. */
  readonly t: number;
  /** Cores the origin used since the previous sample (cpu seconds / wall seconds). */
  readonly cpuCores: number | null;
  readonly rssMB: number | null;
  /** prom-client's event-loop delay, p99 over its sampling window (tribune_nodejs_eventloop_lag_p99_seconds), ms. */
  readonly eventLoopP99Ms: number | null;
}

/** Value of one unlabelled sample line of Prometheus text; null when absent. */
export function metricValue(text: string, name: string): number | null {
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.eE+-]+)`, 'm').exec(text);
  return m ? Number(m[1]) : null;
}

/** Scrapes the origin's /metrics for its own CPU and memory, as a dashboard would. */
export class OriginMetrics {
  readonly samples: OriginSample[] = [];
  failures = 0;
  #last: { cpu: number; at: number } | undefined;
  readonly #client: HttpClient;
  readonly #headers: Record<string, string>;

  /** `token`: the origin's --metrics-token, when /metrics asks for one. */
  constructor(client: HttpClient, token?: string) {
    this.#client = client;
    this.#headers = token ? { authorization: `Bearer ${token}` } : {};
  }

  scrape(t: number): void {
    const at = Date.now();
    this.#client.request('/metrics', { timeoutMs: 2000, headers: this.#headers }, (res) => {
      if (res.status !== 200) { this.failures += 1; return; }
      const text = res.body.toString();
      const cpu = metricValue(text, 'tribune_process_cpu_seconds_total');
      const rss = metricValue(text, 'tribune_process_resident_memory_bytes');
      const lag = metricValue(text, 'tribune_nodejs_eventloop_lag_p99_seconds');
      let cores: number | null = null;
      if (cpu !== null && this.#last) cores = (cpu - this.#last.cpu) / Math.max(0.001, (at - this.#last.at) / 1000);
      if (cpu !== null) this.#last = { cpu, at };
      this.samples.push({ t, cpuCores: cores === null ? null : Math.round(cores * 1000) / 1000, rssMB: rss === null ? null : Math.round(rss / 1e5) / 10, eventLoopP99Ms: lag === null ? null : Math.round(lag * 1e4) / 10 });
    });
  }

  latest(): OriginSample | undefined {
    return this.samples.at(-1);
  }
}
