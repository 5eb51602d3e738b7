import { useEffect, useRef, useState } from 'preact/hooks';
import { REACTIONS, type Reaction } from '../lib/types.js';
import { ReactionGlyph } from './reaction-glyph.js';

/** At most this many glyphs start per second, whatever the audience sends: cheap at a million listeners. */
const MAX_PER_SECOND = 8;
const LIFETIME_MS = 2600;

interface Bubble { id: number; reaction: Reaction; left: number; delay: number }

function reducedMotion(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
}

/**
 * Reactions floating up as they arrive. Driven by the per-second rates in the cached room state (one
 * aggregate for everyone), sampled down to a few glyphs per second in proportion to each kind.
 * With reduced motion, nothing moves: the strongest reaction of the last second is shown still.
 */
export function FloatingReactions({ perSecond }: { perSecond: Record<string, number> }) {
  const [bubbles, setBubbles] = useState<Bubble[]>([]);
  const next = useRef(0);
  const still = reducedMotion();
  useEffect(() => {
    const total = Object.values(perSecond).reduce((a, b) => a + b, 0);
    if (total <= 0 || still) return;
    const count = Math.min(MAX_PER_SECOND, Math.ceil(total));
    const fresh: Bubble[] = [];
    for (let i = 0; i < count; i++) {
      // Pick a kind in proportion to its rate.
      let x = ((i + 0.5) / count) * total;
      const reaction = REACTIONS.find((r) => (x -= perSecond[r] ?? 0) < 0) ?? 'heart';
      fresh.push({ id: next.current++, reaction, left: 5 + ((next.current * 37) % 85), delay: (i / count) * 900 });
    }
    setBubbles((prev) => [...prev.slice(-3 * MAX_PER_SECOND), ...fresh]);
    const ids = new Set(fresh.map((b) => b.id));
    const timer = setTimeout(() => setBubbles((prev) => prev.filter((b) => !ids.has(b.id))), LIFETIME_MS + 1000);
    return () => clearTimeout(timer);
  }, [perSecond]);

  if (still) {
    const top = REACTIONS.reduce<Reaction | null>((best, r) => ((perSecond[r] ?? 0) > (best ? perSecond[best] ?? 0 : 0) ? r : best), null);
    return <div class="floating still" aria-hidden="true">{top && <ReactionGlyph reaction={top} size={28} />}</div>;
  }
  return (
    <div class="floating" aria-hidden="true" data-testid="floating-reactions">
      {bubbles.map((b) => (
        <span key={b.id} class="bubble" style={{ left: `${b.left}%`, animationDelay: `${b.delay}ms` }}><ReactionGlyph reaction={b.reaction} size={28} /></span>
      ))}
    </div>
  );
}
