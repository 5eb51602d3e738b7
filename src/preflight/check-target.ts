import { metricValue } from '../loadtest/origin-metrics.js';

export interface TargetCheck {
  readonly ok: boolean;
  readonly findings: readonly string[];
  readonly warnings: readonly string[];
}

async function get(url: string, timeoutMs: number): Promise<{ status: number; text: string } | { error: string }> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    return { status: res.status, text: await res.text() };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

/** Open sockets an origin needs beyond its listeners' HTTP: WHEP sessions, edges, the API. */
const FDS_PER_WHEP = 2;

/**
 * Reads a running deployment's health endpoints and metrics and says what would fail at the
 * planned size: three GETs, no load.
 */
export async function checkTarget(base: string, plan: { whepPerOrigin: number; originRps: number }, timeoutMs = 3000): Promise<TargetCheck> {
  const root = base.replace(/\/$/, '');
  const findings: string[] = [];
  const warnings: string[] = [];
  const health = await get(`${root}/healthz`, timeoutMs);
  if ('error' in health) return { ok: false, findings, warnings: [`${root}/healthz unreachable: ${health.error}`] };
  findings.push(`/healthz ${health.status}`);
  if (health.status !== 200) warnings.push(`/healthz answered ${health.status}: the process is unhealthy`);
  const ready = await get(`${root}/readyz`, timeoutMs);
  if ('error' in ready) warnings.push(`/readyz unreachable: ${ready.error}`);
  else {
    findings.push(`/readyz ${ready.status}`);
    if (ready.status !== 200) warnings.push(`/readyz answered ${ready.status}: a load balancer would send it no traffic`);
  }
  const metrics = await get(`${root}/metrics`, timeoutMs);
  if ('error' in metrics || metrics.status !== 200) {
    warnings.push('/metrics unavailable: the event would run blind (no CPU, memory or lag figures)');
    return { ok: false, findings, warnings };
  }
  const m = (name: string): number | null => metricValue(metrics.text, name);
  const maxFds = m('tribune_process_max_fds');
  const openFds = m('tribune_process_open_fds');
  const lag = m('tribune_nodejs_eventloop_lag_p99_seconds');
  const rss = m('tribune_process_resident_memory_bytes');
  if (maxFds !== null) {
    findings.push(`file descriptors ${openFds ?? '?'} open of ${maxFds}`);
    const need = plan.whepPerOrigin * FDS_PER_WHEP + 1024;
    if (maxFds < need) warnings.push(`max open files ${maxFds} < ${need} needed for ${plan.whepPerOrigin} WHEP sessions and edges: raise LimitNOFILE / ulimit -n`);
  }
  if (lag !== null) {
    findings.push(`event-loop lag p99 ${(lag * 1000).toFixed(1)} ms`);
    if (lag > 0.05) warnings.push(`event-loop lag p99 ${(lag * 1000).toFixed(0)} ms already, before the event: the origin is busy or starved of CPU`);
  }
  if (rss !== null) findings.push(`resident memory ${(rss / 1e6).toFixed(0)} MB`);
  if (!/tribune_hls_|tribune_audience_/.test(metrics.text)) warnings.push('no audience-plane metrics: is this origin running with media?');
  return { ok: warnings.length === 0, findings, warnings };
}
