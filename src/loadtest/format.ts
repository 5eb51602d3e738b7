import type { Percentiles } from './stats.js';

/** Figures as an operator reads them: thousands separated, a unit, '-' for nothing measured. */
export function count(n: number | null | undefined, unit = ''): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '-';
  return `${Math.round(n).toLocaleString('en-US')}${unit ? ` ${unit}` : ''}`;
}

export function decimal(n: number | null | undefined, unit: string, digits = 1): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '-';
  const figure = n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return unit ? `${figure} ${unit}` : figure;
}

/** A latency distribution: "p50 22.7 ms, p90 40.1 ms, p99 95.0 ms, max 120.3 ms (10,000 samples)". */
export function latency(p: Percentiles): string {
  if (!p.count) return 'none measured';
  const ms = (x: number): string => (x >= 10_000 ? `${(x / 1000).toFixed(1)} s` : `${x.toFixed(1)} ms`);
  return `p50 ${ms(p.p50)}, p90 ${ms(p.p90)}, p99 ${ms(p.p99)}, max ${ms(p.max)} (${count(p.count)} samples)`;
}

/** Counts by reason, largest first: "origin RATE_LIMITED 1,204, edge 429 310". */
export function reasons(counts: Record<string, number>, limit = 8): string {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  if (entries.length === 0) return 'none';
  const shown = entries.slice(0, limit).map(([k, v]) => `${k} ${count(v)}`);
  return entries.length > limit ? `${shown.join(', ')}, and ${entries.length - limit} more` : shown.join(', ');
}

export function percent(part: number, whole: number): string {
  return whole > 0 ? `${((100 * part) / whole).toFixed(1)} %` : '-';
}
