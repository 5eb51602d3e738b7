import { Resvg } from '@resvg/resvg-js';
import { escapeHtml } from './escape.js';

export interface CardText {
  readonly title: string;
  readonly host: string;
  /** "LIVE", "Upcoming · Tue 1 Dec, 19:00 (Europe/Paris)", "Replay". */
  readonly status: string;
  readonly live: boolean;
}

export const CARD_WIDTH = 1200;
export const CARD_HEIGHT = 630;

/** Greedy wrap by characters: a card line holds about 28 characters of the title at 64 px. */
function wrap(text: string, perLine: number, maxLines: number): string[] {
  const words = text.trim().split(/\s+/);
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    const next = line ? `${line} ${word}` : word;
    if (next.length > perLine && line) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  if (lines.length > maxLines) {
    lines.length = maxLines;
    lines[maxLines - 1] = `${lines[maxLines - 1]!.slice(0, perLine - 1)}…`;
  }
  return lines.map((l) => (l.length > perLine ? `${l.slice(0, perLine - 1)}…` : l));
}

export function cardSvg(card: CardText): string {
  const title = wrap(card.title, 28, 3);
  const accent = card.live ? '#d62839' : '#3a5ba0';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${CARD_WIDTH}" height="${CARD_HEIGHT}" viewBox="0 0 ${CARD_WIDTH} ${CARD_HEIGHT}">
  <rect width="100%" height="100%" fill="#101828"/>
  <rect x="0" y="0" width="24" height="${CARD_HEIGHT}" fill="${accent}"/>
  <text x="80" y="110" font-family="DejaVu Sans, sans-serif" font-size="36" font-weight="bold" fill="#ffffff">Tribune</text>
  <rect x="80" y="150" rx="24" width="${Math.min(1040, 40 + card.status.length * 20)}" height="48" fill="${accent}"/>
  <text x="100" y="184" font-family="DejaVu Sans, sans-serif" font-size="28" fill="#ffffff">${escapeHtml(card.status)}</text>
  ${title.map((l, i) => `<text x="80" y="${300 + i * 80}" font-family="DejaVu Sans, sans-serif" font-size="64" font-weight="bold" fill="#ffffff">${escapeHtml(l)}</text>`).join('\n  ')}
  <text x="80" y="${CARD_HEIGHT - 60}" font-family="DejaVu Sans, sans-serif" font-size="34" fill="#c8d0e0">${escapeHtml(card.host)}</text>
</svg>`;
}

/** The link-preview image, rendered on the server (previews run no JavaScript): 1200×630 PNG. */
export function renderCard(card: CardText): Buffer {
  return new Resvg(cardSvg(card), { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } }).render().asPng();
}
