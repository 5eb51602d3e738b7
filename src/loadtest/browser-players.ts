import type { Browser, Page } from 'playwright-core';

/** What one real player (the shipped web page, hls.js in Chromium) did during the run. */
export interface BrowserPlayerReport {
  readonly index: number;
  /** Page open to playback moving (audio.currentTime > 0), ms; null: never played. */
  readonly firstAudioMs: number | null;
  /** 'waiting' events after playback had started: the element ran dry and rebuffered. */
  readonly stalls: number;
  readonly stalledMs: number;
  /** Every request the page made, and those for media (playlists and parts). */
  readonly requests: number;
  readonly mediaRequests: number;
  /** Requests per second the page made while open (page, API and media): the figure to set against a simulated player's. */
  readonly requestsPerSecond: number | null;
  readonly error: string | undefined;
}

export interface BrowserPlayersOptions {
  readonly count: number;
  readonly executablePath: string;
  /** Milliseconds since the run started, for the report's clock. */
  readonly elapsedMs: () => number;
}

/** Hard bound: each Chromium page costs a share of a core; a few keep the simulated model honest. */
export const MAX_BROWSER_PLAYERS = 20;

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage', '--autoplay-policy=no-user-gesture-required'];

/** Counted in the page, by the page's own clock: the first moment playback moves, and each rebuffer. */
const WATCH_AUDIO = `(() => {
  const w = window;
  w.__lt = { firstPlayAt: null, stalls: 0, stalledMs: 0, waitingSince: null };
  const attach = (a) => {
    a.addEventListener('timeupdate', () => {
      if (a.currentTime > 0 && w.__lt.firstPlayAt === null) w.__lt.firstPlayAt = Date.now();
      if (w.__lt.waitingSince !== null) { w.__lt.stalledMs += Date.now() - w.__lt.waitingSince; w.__lt.waitingSince = null; }
    });
    a.addEventListener('waiting', () => {
      if (w.__lt.firstPlayAt !== null && w.__lt.waitingSince === null) { w.__lt.stalls += 1; w.__lt.waitingSince = Date.now(); }
    });
  };
  const a = document.querySelector('[data-testid=live-audio]');
  if (a) attach(a);
})()`;

interface Player { page: Page; openedAt: number; requests: number; media: number; error: string | undefined }

/**
 * A few real listeners beside the simulated ones: the shipped listener page (/s/{id}) in Chromium,
 * its play button pressed, hls.js doing whatever it does. Their stalls and request rates go in the
 * report next to the model's, so that a model that drifts from the real player shows.
 */
export class BrowserPlayers {
  readonly #players: Player[] = [];
  #browser: Browser | undefined;
  #error: string | undefined;

  async start(target: string, spaceId: string, o: BrowserPlayersOptions): Promise<void> {
    if (o.count <= 0) return;
    try {
      const { chromium } = await import('playwright-core');
      this.#browser = await chromium.launch({ executablePath: o.executablePath, args: CHROMIUM_ARGS });
    } catch (err) {
      this.#error = `Chromium did not start: ${(err as Error).message.split('\n')[0]}`;
      return;
    }
    const url = `${target.replace(/\/$/, '')}/s/${encodeURIComponent(spaceId)}`;
    await Promise.all(Array.from({ length: Math.min(o.count, MAX_BROWSER_PLAYERS) }, async () => {
      const page = await (await this.#browser!.newContext({ locale: 'en-GB' })).newPage();
      const player: Player = { page, openedAt: Date.now(), requests: 0, media: 0, error: undefined };
      this.#players.push(player);
      page.on('request', (r) => {
        player.requests += 1;
        if (r.url().includes('/hls/')) player.media += 1;
      });
      try {
        await page.goto(url, { timeout: 15_000 });
        await page.locator('button.play').click({ timeout: 15_000 });
        await page.evaluate(WATCH_AUDIO);
      } catch (err) {
        player.error = (err as Error).message.split('\n')[0]!.slice(0, 160);
      }
    }));
  }

  /** Reads every page's counts and closes the browser. */
  async stop(): Promise<{ players: BrowserPlayerReport[]; error: string | undefined }> {
    const end = Date.now();
    const players = await Promise.all(this.#players.map(async (p, index): Promise<BrowserPlayerReport> => {
      let seen: { firstPlayAt: number | null; stalls: number; stalledMs: number; waitingSince: number | null } | undefined;
      try { seen = (await p.page.evaluate('window.__lt')) as typeof seen; } catch { /* page gone: reported as never played */ }
      const first = seen?.firstPlayAt ?? null;
      const playingS = first === null ? 0 : (end - first) / 1000;
      return {
        index, firstAudioMs: first === null ? null : first - p.openedAt,
        stalls: seen?.stalls ?? 0, stalledMs: (seen?.stalledMs ?? 0) + (seen?.waitingSince ? end - seen.waitingSince : 0),
        requests: p.requests, mediaRequests: p.media,
        requestsPerSecond: playingS > 1 ? Math.round((10 * p.requests) / ((end - p.openedAt) / 1000)) / 10 : null,
        error: p.error ?? (first === null ? 'never played' : undefined),
      };
    }));
    await this.#browser?.close().catch(() => undefined);
    return { players, error: this.#error };
  }
}
