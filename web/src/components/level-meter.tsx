/** A level in [0, 1] as a native <meter>: screen readers announce it, no ARIA needed. */
export function LevelMeter({ level, label }: { level: number; label: string }) {
  return <meter class="level" min={0} max={1} low={0.05} high={0.8} optimum={0.5} value={level} aria-label={label} />;
}
