import { t } from '../i18n/index.js';
import { formatNumber, formatTime } from '../lib/format.js';

export interface ChartSample { at: number; listeners: number; reactions: number }

const W = 480;
const H = 120;

function path(samples: ChartSample[], pick: (s: ChartSample) => number, max: number, t0: number, span: number): string {
  return samples.map((s, i) => {
    const x = ((s.at - t0) / span) * W;
    const y = H - (pick(s) / max) * (H - 8) - 4;
    return `${i === 0 ? 'M' : 'L'}${x.toFixed(1)},${y.toFixed(1)}`;
  }).join(' ');
}

/**
 * Listeners and reactions per second over the last minutes, as inline SVG (no chart library: two
 * polylines are cheaper than any dependency). The figure's label states the latest values for
 * screen readers; each line has its own scale, named in the legend.
 */
export function AudienceChart({ samples }: { samples: ChartSample[] }) {
  const last = samples[samples.length - 1];
  const t0 = samples[0]?.at ?? 0;
  const span = Math.max(1, (last?.at ?? 1) - t0);
  const maxL = Math.max(1, ...samples.map((s) => s.listeners));
  const maxR = Math.max(1, ...samples.map((s) => s.reactions));
  const summary = t('chart.summary', { listeners: last?.listeners ?? 0, reactions: last?.reactions ?? 0 });
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={summary} preserveAspectRatio="none">
        <line x1="0" y1={H - 4} x2={W} y2={H - 4} class="axis" />
        {samples.length > 1 && <path d={path(samples, (s) => s.listeners, maxL, t0, span)} class="line listeners" />}
        {samples.length > 1 && <path d={path(samples, (s) => s.reactions, maxR, t0, span)} class="line reactions" />}
      </svg>
      {last && (
        <div class="axis-x" aria-hidden="true">
          <span>{formatTime(t0)}</span>
          <span>{formatTime(last.at)}</span>
        </div>
      )}
      <figcaption>
        <span class="now">{summary}</span>
        <span class="key listeners">{t('chart.listeners', { max: formatNumber(maxL) })}</span>
        <span class="key reactions">{t('chart.reactions', { max: formatNumber(maxR) })}</span>
      </figcaption>
    </figure>
  );
}
