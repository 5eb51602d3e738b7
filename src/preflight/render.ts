import type { Behaviour, Capacities } from './capacities.js';
import type { Plan } from './plan.js';

const num = (v: number): string => (Number.isInteger(v) ? v.toLocaleString('en-US')
  : Math.abs(v) < 1 ? String(Number(v.toPrecision(3))) : v.toLocaleString('en-US', { maximumFractionDigits: 2 }));

export function renderPlan(plan: Plan, capacities: Capacities, behaviour: Behaviour): string {
  const lines: string[] = [];
  lines.push(`Capacity plan for ${num(plan.input.expectedListeners)} listeners across ${plan.input.spaces} Space(s), sized for ${num(plan.input.sizedFor)} (headroom x${plan.input.headroom}), delivery ${plan.input.delivery}`, '');
  const width = Math.max(...plan.rows.map((r) => r.item.length));
  let area = '';
  for (const r of plan.rows) {
    if (r.area !== area) { area = r.area; lines.push(`${area.toUpperCase()}`); }
    lines.push(`  ${r.item.padEnd(width)}  ${num(r.value).padStart(12)} ${r.unit}`);
    lines.push(`  ${''.padEnd(width)}  ${''.padStart(12)} = ${r.basis}`);
  }
  if (plan.warnings.length) {
    lines.push('', 'WARNINGS');
    for (const w of plan.warnings) lines.push(`  ! ${w}`);
  }
  lines.push('', 'FIGURES USED (value, unit, source)');
  const figures = [...Object.entries(capacities), ...Object.entries(behaviour)];
  const keyWidth = Math.max(...figures.map(([k]) => k.length));
  for (const [k, f] of figures) lines.push(`  ${k.padEnd(keyWidth)} ${num(f.value).padStart(14)} ${f.unit.padEnd(10)} ${f.source}`);
  return `${lines.join('\n')}\n`;
}
