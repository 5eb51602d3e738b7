import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import ndc from 'node-datachannel';
import type { Browser } from 'playwright-core';
import { publishWhip, toneSource, type WhipPublisher } from '../../src/clients/index.js';
import { launchChromium } from '../helpers/browser.js';
import { register, registerAdmin, startTestServer, type TestServer } from '../helpers/control-server.js';
import { requireProgram } from '../helpers/require-program.js';
import { buildWeb } from '../helpers/web-build.js';

const available = requireProgram('chromium');

/** The page's globals these functions read inside the browser (the node-side tsconfig has no DOM). */
type PageGlobals = { document: { querySelector(selector: string): { currentTime: number } | null } };
/** The live player's position, evaluated in the page. */
const currentTime = (): number => (globalThis as unknown as PageGlobals).document.querySelector('[data-testid=live-audio]')?.currentTime ?? 0;

/**
 * A listener whose WHEP offer and question the waiting room holds, in the real page: the player falls
 * back to LL-HLS, they see their place and an estimate (in English, and in French for the next in
 * line), the Space keeps playing meanwhile, and the question goes through by itself once a place
 * frees up. The server's clock is the test's, so the one place frees on demand.
 */
describe('the waiting room in the listener page', { skip: !available, timeout: 150_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  let publisher: WhipPublisher | undefined;
  let now = Date.now();

  before(async () => {
    await buildWeb();
    server = await startTestServer({
      overrides: { waitingRoom: { setting: 'off', totalActiveUsers: 1, newUsersPerMinute: 100, sessionMinutes: 1, ticketMinutes: 2 } },
      server: { media: true, clock: { now: () => now } },
    });
    browser = await launchChromium('/dev/null');
  });

  after(async () => {
    await publisher?.close().catch(() => {});
    await browser?.close().catch(() => {});
    await server?.close();
    ndc.cleanup();
    setTimeout(() => process.exit(), 100).unref();
  });

  it('shows the position, keeps playing LL-HLS, and sends the question once admitted', async () => {
    const admin = await registerAdmin(server, 'wr_admin');
    const host = await register(server, 'wr_host');
    const blocker = await register(server, 'wr_blocker');
    const listener = await register(server, 'wr_listener');
    const auditrice = await register(server, 'wr_auditrice');
    const space = (await server.request('POST', '/api/v1/spaces', { token: host.token, body: { title: 'A full night', language: 'en' } })).body as { id: string };
    assert.equal((await server.request('POST', `/api/v1/spaces/${space.id}/start`, { token: host.token })).status, 200);
    publisher = await publishWhip({ url: `${server.url.replace('localhost', '127.0.0.1')}/api/v1/spaces/${space.id}/whip`, bearer: host.token, source: toneSource(600, 0.3) });

    // The room opens with one place, and someone else takes it.
    assert.equal((await server.request('PUT', '/api/v1/admin/waiting-room', { token: admin.token, body: { setting: 'on' } })).status, 200);
    const taken = await server.request('POST', `/api/v1/spaces/${space.id}/questions`, { token: blocker.token, body: { text: 'Who took the only place?' } });
    assert.equal(taken.status, 201);

    const pageAs = async (account: { token: string }, lang: 'en' | 'fr') => {
      const context = await browser.newContext({ locale: lang === 'en' ? 'en-GB' : 'fr-FR' });
      context.setDefaultTimeout(15_000);
      await context.addCookies([{ name: 'tribune_session', value: account.token, url: server.url }]);
      const me = (await server.request('GET', '/api/v1/me', { token: account.token })).body;
      await context.addInitScript(`localStorage.setItem('tribune.user', ${JSON.stringify(JSON.stringify(me))}); localStorage.setItem('tribune.lang', '${lang}');`);
      return context.newPage();
    };
    const page = await pageAs(listener, 'en');
    const uncaught: string[] = [];
    page.on('pageerror', (err) => uncaught.push(err.message));
    const held: number[] = [];
    const whep: number[] = [];
    page.on('response', (res) => {
      if (res.request().method() !== 'POST') return;
      if (res.url().endsWith('/questions')) held.push(res.status());
      if (res.url().endsWith('/whep')) whep.push(res.status());
    });
    // The listener asks for the low-latency path (WHEP): the room holds the offer, the page plays
    // LL-HLS instead, and keeps the ticket it was handed, so the question waits in the same place.
    await page.goto(`${server.url}/s/${space.id}?via=whep`);
    await page.getByRole('button', { name: 'Listen live' }).click();
    const playing = () => page.evaluate(currentTime);
    await page.waitForFunction(() => ((globalThis as unknown as PageGlobals).document.querySelector('[data-testid=live-audio]')?.currentTime ?? 0) > 0.5, undefined, { timeout: 20_000 });
    assert.deepEqual(whep, [503], 'the WHEP offer was held');
    await page.getByText('Playing (standard stream)').waitFor();

    await page.getByLabel('Your question (280 characters at most)').fill('What happens to the people in the queue?');
    await page.getByRole('button', { name: 'Send the question' }).click();
    const notice = page.getByTestId('waiting-room');
    await notice.waitFor();
    const text = await notice.innerText();
    assert.match(text, /You are number 1 in line/);
    assert.match(text, /≈ 1 min to wait/);
    assert.deepEqual(held, [503]);
    assert.equal(await page.getByRole('button', { name: 'Send the question' }).isDisabled(), true, 'held is still sending: no second copy');

    // Held, and still hearing the Space: the player moves on.
    const from = await playing();
    await page.waitForFunction((t) => ((globalThis as unknown as PageGlobals).document.querySelector('[data-testid=live-audio]')?.currentTime ?? 0) > t + 2, from, { timeout: 10_000 });

    // Second in line, in French.
    const french = await pageAs(auditrice, 'fr');
    await french.goto(`${server.url}/s/${space.id}`);
    await french.locator('#ask-text').fill('Et pour celles qui attendent ?');
    await french.locator('form.ask button[type=submit]').click();
    const attente = french.getByTestId('waiting-room');
    await attente.waitFor();
    const texte = await attente.innerText();
    assert.match(texte, /Salle d’attente/);
    assert.match(texte, /Vous êtes numéro 2 dans la file, attente ≈ \d+ min\./);
    await french.context().close();

    // The blocker's session lapses: the place is free, and the page's next check-in (about 20 s) takes it.
    now += 61_000;
    await page.getByText('Sent. It appears once a moderator approves it.').waitFor({ timeout: 40_000 });
    assert.equal(await notice.count(), 0, 'the notice goes once admitted');
    assert.deepEqual(held, [503, 201], 'one check-in with the ticket, admitted');
    const pending = (await server.request('GET', `/api/v1/spaces/${space.id}/questions?state=pending`, { token: host.token })).body as { questions: Array<{ text: string }> };
    assert.ok(pending.questions.some((q) => q.text === 'What happens to the people in the queue?'));
    const after = await playing();
    assert.ok(after > from + 10, `LL-HLS played throughout the wait (${from} -> ${after})`);
    assert.deepEqual(uncaught, []);
  });
});
