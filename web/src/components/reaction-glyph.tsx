import type { Reaction } from '../lib/types.js';

/**
 * The reactions drawn as SVG, so they look the same on every system (no emoji font needed) and
 * take the text colour. 24×24, decorative: the button's text names the reaction.
 */
const PATHS: Record<Reaction, string> = {
  clap: 'M7 11l3-6a1.5 1.5 0 0 1 2.6 1.4L11 10l4.5-5a1.5 1.5 0 0 1 2.2 2L14 11l3.5-3a1.5 1.5 0 0 1 2 2.2L14.5 15c-2.5 3-6.5 3.5-8.5 1.5-1.6-1.6-1.3-3.7 1-5.5zM4 6l1.5 1.5M6.5 3.5L7.5 5.5M2.5 9h2',
  heart: 'M12 20s-7-4.4-7-10a4 4 0 0 1 7-2.6A4 4 0 0 1 19 10c0 5.6-7 10-7 10z',
  laugh: 'M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18zM7.5 10l2-1.5M16.5 10l-2-1.5M7 13h10a5 5 0 0 1-10 0z',
  fire: 'M12 21c-4 0-7-2.7-7-6.5 0-3.3 2.4-5.2 3.8-8.5.5 2.2 1.7 3.3 2.7 3.8C11.8 6.6 13.3 4.2 16 3c-.6 3 .8 5 2 6.8.8 1.2 1 2.5 1 3.7C19 18.3 16 21 12 21zm0-2c1.7 0 3-1.2 3-2.8 0-1.7-1.4-2.7-2.2-4.2-.5 1.6-2.5 2.4-3 4-.5 1.6.6 3 2.2 3z',
  thumbsup: 'M7 10v10H4V10h3zm2 10h7.5a2 2 0 0 0 2-1.6l1.2-6A2 2 0 0 0 17.7 10H14l.8-3.8A1.8 1.8 0 0 0 11.6 5L9 10v10z',
  thinking: 'M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18zM8 9.5h2M14 9h2.2M9 15.5c1.6-.9 3.8-1.1 6-.5',
  hundred: 'M4 7v10M8 9.5a2.5 2.5 0 0 1 5 0v5a2.5 2.5 0 0 1-5 0zM15 9.5a2.5 2.5 0 0 1 5 0v5a2.5 2.5 0 0 1-5 0zM3 20h18',
};

/** Filled shapes; the others are drawn as lines. */
const FILLED = new Set<Reaction>(['heart', 'fire', 'thumbsup']);

export function ReactionGlyph({ reaction, size = 24 }: { reaction: Reaction; size?: number }) {
  const filled = FILLED.has(reaction);
  return (
    <svg class={`glyph ${reaction}`} viewBox="0 0 24 24" width={size} height={size} aria-hidden="true" focusable="false">
      <path d={PATHS[reaction]} fill={filled ? 'currentColor' : 'none'} stroke="currentColor" stroke-width={filled ? 0 : 1.8} stroke-linecap="round" stroke-linejoin="round" fill-rule="evenodd" />
    </svg>
  );
}
