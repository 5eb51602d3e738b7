export interface Series {
  readonly name: string;
  readonly color: string;
  /** [x, y]; a null y breaks the line. */
  readonly points: ReadonlyArray<readonly [number, number | null]>;
}

export interface ChartOptions {
  readonly title: string;
  readonly yLabel: string;
  readonly xLabel?: string;
  readonly width?: number;
  readonly height?: number;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** 1, 2 or 5 times a power of ten: ticks a reader can add up. */
export function niceStep(range: number, ticks = 5): number {
  if (!(range > 0)) return 1;
  const raw = range / ticks;
  const power = 10 ** Math.floor(Math.log10(raw));
  const unit = raw / power;
  return (unit <= 1 ? 1 : unit <= 2 ? 2 : unit <= 5 ? 5 : 10) * power;
}

const label = (v: number): string => (Math.abs(v) >= 10_000 ? `${Math.round(v / 1000)}k` : Number.isInteger(v) ? String(v) : v.toFixed(v < 1 ? 2 : 1));

/** A static line chart as inline SVG: no script, so it renders anywhere and logs nothing. */
export function lineChart(series: readonly Series[], o: ChartOptions): string {
  const width = o.width ?? 640;
  const height = o.height ?? 240;
  const m = { left: 56, right: 12, top: 28, bottom: 36 };
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = series.flatMap((s) => s.points.map((p) => p[1]).filter((y): y is number => y !== null && Number.isFinite(y)));
  const xMax = Math.max(1, ...xs);
  const top = Math.max(0, ...ys);
  // All zeros (no stall at all): a 0..1 axis, not ticks at 1e-9.
  const yStep = top > 0 ? niceStep(top) : 1;
  const yMax = top > 0 ? Math.ceil(top / yStep) * yStep : 1;
  const px = (x: number): number => m.left + (x / xMax) * (width - m.left - m.right);
  const py = (y: number): number => height - m.bottom - (y / yMax) * (height - m.top - m.bottom);
  const parts: string[] = [];
  for (let y = 0; y <= yMax + 1e-9; y += yStep) {
    parts.push(`<line x1="${m.left}" x2="${width - m.right}" y1="${py(y).toFixed(1)}" y2="${py(y).toFixed(1)}" stroke="#ddd"/>`);
    parts.push(`<text x="${m.left - 6}" y="${(py(y) + 4).toFixed(1)}" text-anchor="end" font-size="11">${label(y)}</text>`);
  }
  const xStep = niceStep(xMax, 6);
  for (let x = 0; x <= xMax + 1e-9; x += xStep) {
    parts.push(`<text x="${px(x).toFixed(1)}" y="${height - m.bottom + 16}" text-anchor="middle" font-size="11">${label(x)}</text>`);
  }
  for (const s of series) {
    let d = '';
    let pen = false;
    for (const [x, y] of s.points) {
      if (y === null || !Number.isFinite(y)) { pen = false; continue; }
      d += `${pen ? 'L' : 'M'}${px(x).toFixed(1)},${py(y).toFixed(1)}`;
      pen = true;
    }
    if (d) parts.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
    // Dots too when there are few points: a line of one point is invisible.
    if (s.points.length <= 60) {
      for (const [x, y] of s.points) {
        if (y !== null && Number.isFinite(y)) parts.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="2.5" fill="${s.color}"/>`);
      }
    }
  }
  const legend = series.map((s, i) => `<g transform="translate(${m.left + 8 + i * 150},${m.top - 12})"><rect width="12" height="4" y="-4" fill="${s.color}"/><text x="16" font-size="11">${escapeHtml(s.name)}</text></g>`).join('');
  return `<figure><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(o.title)}">`
    + `<title>${escapeHtml(o.title)}</title>`
    + `<line x1="${m.left}" x2="${m.left}" y1="${m.top}" y2="${height - m.bottom}" stroke="#333"/>`
    + `<line x1="${m.left}" x2="${width - m.right}" y1="${height - m.bottom}" y2="${height - m.bottom}" stroke="#333"/>`
    + parts.join('') + legend
    + `<text x="${(width + m.left) / 2}" y="${height - 4}" text-anchor="middle" font-size="11">${escapeHtml(o.xLabel ?? 'seconds')}</text>`
    + `<text transform="translate(12,${(height - m.bottom + m.top) / 2}) rotate(-90)" text-anchor="middle" font-size="11">${escapeHtml(o.yLabel)}</text>`
    + `</svg><figcaption>${escapeHtml(o.title)}</figcaption></figure>`;
}
