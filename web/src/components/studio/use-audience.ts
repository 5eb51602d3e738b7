import { useState } from 'preact/hooks';
import { api } from '../../lib/api.js';
import { useInterval } from '../../lib/hooks.js';
import type { SpaceState } from '../../lib/types.js';
import type { ChartSample } from '../audience-chart.js';

const CHART_WINDOW_MS = 10 * 60_000;

const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);

/** The cached room state every second (levels, counts) and the last ten minutes of it for the chart. */
export function useAudience(spaceId: string, enabled: boolean): { state: SpaceState | null; samples: ChartSample[] } {
  const [state, setState] = useState<SpaceState | null>(null);
  const [samples, setSamples] = useState<ChartSample[]>([]);
  useInterval(async () => {
    const next = await api.state(spaceId);
    setState(next);
    if (next.state !== 'live') return;
    const now = Date.now();
    const point = { at: now, listeners: next.listeners.count, reactions: sum(next.reactions.perSecond) };
    setSamples((prev) => [...prev.filter((s) => now - s.at < CHART_WINDOW_MS), point]);
  }, 1000, enabled);
  return { state, samples };
}
