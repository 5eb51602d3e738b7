import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { axeViolations, launchChromium } from '../helpers/browser.js';
import { register, registerAdmin, startTestServer, type TestServer } from '../helpers/control-server.js';
import { requireProgram } from '../helpers/require-program.js';
import { buildWeb } from '../helpers/web-build.js';

/**
 * The DSA journey in a real browser: a listener reports a speaker from the listener page, a moderator
 * decides from the queue, the speaker reads the statement of reasons and appeals, another moderator
 * reverses the decision, and the speaker sees it reversed.
 */

type Account = { token: string; user: { id: string; handle: string; displayName?: string; platformRole?: string } };
const available = requireProgram('chromium');

describe('trust & safety journey in a real browser', { skip: !available, timeout: 180_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  let dir: string;
  const contexts: BrowserContext[] = [];
  const uncaught: string[] = [];
  let mod1: Account, mod2: Account, host: Account, speaker: Account, fan: Account;
  let spaceId = '';
  let seatId = '';

  /** A page logged in as `account` (its session cookie, and the page's marker of who is logged in). */
  async function pageAs(account: Account, name: string, width = 1000): Promise<Page> {
    const context = await browser.newContext({ locale: 'en-GB', viewport: { width, height: 900 } });
    context.setDefaultTimeout(15_000);
    contexts.push(context);
    await context.addCookies([{ name: 'tribune_session', value: account.token, url: server.url }]);
    const me = (await server.request('GET', '/api/v1/me', { token: account.token })).body;
    await context.addInitScript(`localStorage.setItem('tribune.user', ${JSON.stringify(JSON.stringify(me))}); localStorage.setItem('tribune.lang', 'en');`);
    const page = await context.newPage();
    page.on('pageerror', (err) => uncaught.push(`${name}: ${err.message}`));
    return page;
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tribune-ts-web-'));
    // One second of silence for the fake microphone nobody uses here.
    const header = Buffer.alloc(44);
    header.write('RIFF', 0); header.writeUInt32LE(36 + 96_000, 4); header.write('WAVEfmt ', 8); header.writeUInt32LE(16, 16);
    header.writeUInt16LE(1, 20); header.writeUInt16LE(1, 22); header.writeUInt32LE(48_000, 24); header.writeUInt32LE(96_000, 28);
    header.writeUInt16LE(2, 32); header.writeUInt16LE(16, 34); header.write('data', 36); header.writeUInt32LE(96_000, 40);
    writeFileSync(join(dir, 'silence.wav'), Buffer.concat([header, Buffer.alloc(96_000)]));
    await buildWeb();
    server = await startTestServer();
    browser = await launchChromium(join(dir, 'silence.wav'));
    const admin = await registerAdmin(server, 'admin_web');
    mod1 = await register(server, 'mod_web_one');
    mod2 = await register(server, 'mod_web_two');
    for (const m of [mod1, mod2]) await server.request('PUT', `/api/v1/users/${m.user.id}/platform-role`, { token: admin.token, body: { role: 'moderator' } });
    host = await register(server, 'host_web');
    speaker = (await server.request('POST', '/api/v1/auth/register', { body: { handle: 'speaker_web', password: 'correct horse battery', displayName: 'Victor' } })).body;
    fan = await register(server, 'fan_web');
    const space = (await server.request('POST', '/api/v1/spaces', { token: host.token, body: { title: 'Interview du soir' } })).body;
    spaceId = space.id;
    await server.request('POST', `/api/v1/spaces/${spaceId}/start`, { token: host.token });
    const invite = await server.request('POST', `/api/v1/spaces/${spaceId}/stage-tokens`, { token: host.token, body: { role: 'speaker' } });
    seatId = (await server.request('POST', `/api/v1/spaces/${spaceId}/stage-tokens/redeem`, { token: speaker.token, body: { token: invite.body.token } })).body.id;
  });

  after(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close().catch(() => {});
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('report → queue → decision → statement → appeal → reversal', async () => {
    // 1. A listener on a phone reports the speaker at the current moment.
    const listener = await pageAs(fan, 'listener', 390);
    await listener.goto(`${server.url}/s/${spaceId}`);
    await listener.getByTestId('recording-notice').filter({ hasText: 'This Space is recorded' }).waitFor();
    await listener.getByRole('button', { name: 'Report' }).click();
    await listener.getByLabel('Victor, on stage now').check();
    await listener.getByLabel('Category').selectOption('STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH');
    await listener.getByLabel('Why is it illegal or against the rules?').fill('He called for violence against journalists, live.');
    await listener.getByLabel('Your name').fill('Camille Martin');
    await listener.getByLabel('Your e-mail address').fill('camille@example.org');
    assert.deepEqual(await axeViolations(listener), [], 'the report form is accessible');
    await listener.getByLabel(/in good faith/).check();
    await listener.getByRole('button', { name: 'Send the report' }).click();
    await listener.getByTestId('report-status').filter({ hasText: 'Report received' }).waitFor();

    // 2. The moderator finds it in the queue and mutes the speaker, with the statement of reasons.
    const moderator = await pageAs(mod1, 'moderator');
    await moderator.goto(`${server.url}/moderation`);
    const item = moderator.getByTestId('queue-item').filter({ hasText: seatId });
    await item.waitFor();
    assert.match(await item.innerText(), /He called for violence against journalists/);
    // The moment is playable from the queue; live, with no replay yet, the queue says so and links to the Space.
    await item.getByRole('button', { name: /^Play from \d+:\d\d$/ }).first().click();
    await item.getByText('No replay yet').waitFor();
    await item.locator('summary', { hasText: 'Decide' }).click();
    await item.getByLabel('Decision', { exact: true }).selectOption('mute_speaker');
    await item.getByLabel('Illegal content').check();
    await item.getByLabel('Legal ground (the law relied on)').fill('Loi du 29 juillet 1881, art. 24');
    await item.getByLabel('Why it is illegal or against that clause').fill('A call to violence against a group of people.');
    await item.getByLabel('Facts and circumstances').fill('Live audio; reported by a listener at the moment.');
    assert.deepEqual(await axeViolations(moderator), [], 'the queue is accessible');
    await item.getByRole('button', { name: 'Decide' }).click();
    await moderator.getByText('Decided: Speaker muted').waitFor();
    const stage = await server.request('GET', `/api/v1/spaces/${spaceId}/stage`);
    assert.equal(stage.body.participants.find((p: { id: string }) => p.id === seatId).muted, true, 'the restriction is real');

    // The notifier learns the decision on their report.
    await listener.goto(`${server.url}/me/statements`);
    await listener.getByTestId('my-reports').filter({ hasText: 'decided: Speaker muted' }).waitFor();

    // 3. The speaker reads the statement and appeals.
    const victor = await pageAs(speaker, 'speaker');
    await victor.goto(`${server.url}/me/statements`);
    const statement = victor.getByTestId('statement').first();
    await statement.getByRole('heading', { name: 'Speaker muted' }).waitFor();
    const text = await statement.innerText();
    assert.match(text, /Loi du 29 juillet 1881, art\. 24/);
    assert.match(text, /A report \(Art\. 16 notice\)/);
    assert.match(text, /You may appeal until/);
    assert.deepEqual(await axeViolations(victor), [], 'the statements page is accessible');
    await statement.locator('summary', { hasText: 'Appeal this decision' }).click();
    await statement.getByLabel('Why should it be reversed?').fill('I was quoting the words to condemn them.');
    await statement.getByRole('button', { name: 'Appeal this decision' }).click();
    await statement.getByTestId('appeal-state').filter({ hasText: 'Appeal under review' }).waitFor();

    // 4. The moderator who decided cannot decide the appeal; another one reverses the decision.
    await moderator.reload();
    const own = moderator.getByTestId('appeal-item').first();
    await own.getByRole('button', { name: 'Reverse the decision' }).click();
    await moderator.getByText('another moderator must decide the appeal').waitFor();
    const second = await pageAs(mod2, 'moderator2');
    await second.goto(`${server.url}/moderation`);
    const appeal = second.getByTestId('appeal-item').first();
    await appeal.getByLabel('Reasons for your answer').fill('The recording shows a quotation, condemned at once.');
    await appeal.getByRole('button', { name: 'Reverse the decision' }).click();
    await second.getByText('Decision reversed').waitFor();

    // 5. The speaker sees the decision reversed, with the reasons.
    await victor.reload();
    const after = victor.getByTestId('statement').first();
    await after.getByTestId('appeal-state').filter({ hasText: 'Appeal accepted: decision reversed' }).waitFor();
    assert.match(await after.innerText(), /The recording shows a quotation/);
    assert.deepEqual(uncaught, []);
  });

  it('a note both camps found helpful shows on the listener page, and can be reported there', async () => {
    const author = await register(server, 'note_author');
    const campA: Account[] = [];
    const campB: Account[] = [];
    for (let i = 0; i < 6; i++) { campA.push(await register(server, `web_a_${i}`)); campB.push(await register(server, `web_b_${i}`)); }
    const add = async (text: string) => (await server.request('POST', `/api/v1/spaces/${spaceId}/notes`, { token: author.token, body: { text, sources: ['https://example.org/report-2024'], atMs: 754_000 } })).body.id as string;
    const rate = (a: Account, id: string, helpfulness: string) => server.request('POST', `/api/v1/notes/${id}/ratings`, { token: a.token, body: { helpfulness } });
    for (let i = 0; i < 4; i++) {
      const id = await add(`Partisan note ${i}`);
      for (const a of i % 2 ? campA : campB) await rate(a, id, 'HELPFUL');
      for (const a of i % 2 ? campB : campA) await rate(a, id, 'NOT_HELPFUL');
    }
    const bridge = await add('The 2024 report says the opposite on page 12.');
    for (const a of [...campA, ...campB]) await rate(a, bridge, 'HELPFUL');
    const oneSided = await add('Only one camp likes this note.');
    for (const a of campA) await rate(a, oneSided, 'HELPFUL');

    const label = await server.request('POST', '/api/v1/moderation/decisions', { token: mod2.token, body: {
      targetType: 'space', targetId: spaceId, action: 'label', ground: 'DECISION_GROUND_INCOMPATIBLE_CONTENT', termsClause: 'Terms §5, disputed claims',
      explanation: 'Claims about the election contradicted by official sources.', facts: 'Claims made live.', category: 'STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS',
    } });
    assert.equal(label.status, 201);
    const page = await pageAs(fan, 'notes', 390);
    await page.goto(`${server.url}/s/${spaceId}`);
    await page.getByTestId('space-label').filter({ hasText: 'Moderators labelled this Space: Civic discourse and elections' }).waitFor();
    const note = page.getByTestId('helpful-note');
    await note.filter({ hasText: 'The 2024 report says the opposite' }).waitFor();
    assert.equal(await note.count(), 1, 'only the bridging note is shown');
    assert.match(await note.innerText(), /At 12:34/);
    assert.deepEqual(await axeViolations(page), []);
    await note.getByRole('button', { name: 'Report the note at 12:34' }).click();
    await note.getByLabel('Why is it illegal or against the rules?').fill('The source link does not say what the note claims.');
    await note.getByLabel('Your name').fill('Camille Martin');
    await note.getByLabel('Your e-mail address').fill('camille@example.org');
    await note.getByLabel(/in good faith/).check();
    await note.getByRole('button', { name: 'Send the report' }).click();
    await note.getByTestId('report-status').filter({ hasText: 'Report received' }).waitFor();
    const queue = await server.request('GET', '/api/v1/moderation/queue?limit=200', { token: mod1.token });
    assert.ok(queue.body.items.some((i: { targetType: string; targetId: string }) => i.targetType === 'note' && i.targetId === bridge));
  });

  it('a question is reported from where it is shown', async () => {
    const asker = await register(server, 'asker_web');
    const q = await server.request('POST', `/api/v1/spaces/${spaceId}/questions`, { token: asker.token, body: { text: 'Why do you hate the press so much?' } });
    await server.request('POST', `/api/v1/spaces/${spaceId}/questions/${q.body.id}/action`, { token: host.token, body: { action: 'approve' } });
    const page = await pageAs(fan, 'question-report', 390);
    await page.goto(`${server.url}/s/${spaceId}`);
    const card = page.locator(`[data-question="${q.body.id}"]`);
    await card.getByRole('button', { name: 'Report: Why do you hate the press so much?' }).click();
    await card.getByLabel('Category').selectOption('STATEMENT_CATEGORY_CYBER_VIOLENCE');
    await card.getByLabel('Why is it illegal or against the rules?').fill('The question is a personal attack, not a question.');
    await card.getByLabel('Your name').fill('Camille Martin');
    await card.getByLabel('Your e-mail address').fill('camille@example.org');
    await card.getByLabel(/in good faith/).check();
    await card.getByRole('button', { name: 'Send the report' }).click();
    await card.getByTestId('report-status').filter({ hasText: 'Report received' }).waitFor();
    const queue = await server.request('GET', '/api/v1/moderation/queue?limit=200', { token: mod1.token });
    assert.ok(queue.body.items.some((i: { targetType: string; targetId: string }) => i.targetType === 'question' && i.targetId === q.body.id));
  });

  it('speakers are told the Space is recorded before they join the stage', async () => {
    const invite = await server.request('POST', `/api/v1/spaces/${spaceId}/stage-tokens`, { token: host.token, body: { role: 'speaker' } });
    const context = await browser.newContext({ locale: 'en-GB' });
    contexts.push(context);
    const guest = await context.newPage();
    await guest.goto(new URL(invite.body.inviteUrl, server.url).href);
    const notice = guest.getByTestId('recording-notice');
    await notice.waitFor();
    assert.match(await notice.innerText(), /replay is public/);
    assert.ok(await guest.getByRole('button', { name: 'Join the stage' }).isVisible(), 'told before the join button is used');
  });

  it('the transparency page shows the period\'s figures, in French too', async () => {
    const page = await pageAs(fan, 'transparency');
    await page.goto(`${server.url}/transparency`);
    await page.getByRole('heading', { name: 'Transparency report' }).waitFor();
    await page.getByText('Speaker muted').waitFor();
    assert.deepEqual(await axeViolations(page), []);
    await page.getByRole('button', { name: 'Français' }).click();
    await page.getByRole('heading', { name: 'Rapport de transparence' }).waitFor();
    await page.getByText('Intervenant·e coupé·e').waitFor();
  });
});
