import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { register, startTestServer, type TestServer } from '../helpers/control-server.js';

/** The lines of an iCalendar text, unfolded (RFC 5545 §3.1: a CRLF followed by a space continues). */
function icsLines(text: string): string[] {
  return text.replace(/\r\n[ \t]/g, '').split('\r\n').filter(Boolean);
}

describe('around the event: calendars, feeds, previews, oEmbed', () => {
  let server: TestServer;
  let host: { token: string; user: { id: string; handle: string } };
  let scheduledId = '';
  const startsAt = '2027-03-04T18:30:00.000Z';

  before(async () => {
    server = await startTestServer();
    host = await register(server, 'claire_hosts');
    const res = await server.request('POST', '/api/v1/spaces', {
      token: host.token,
      body: { title: 'Budget night: who pays, <who> gains', description: 'Line one\nLine two, with a comma; and more', scheduledStart: startsAt, timeZone: 'Europe/Paris' },
    });
    assert.equal(res.status, 201);
    scheduledId = res.body.id;
  });
  after(() => server.close());

  it('GET /api/v1/spaces/{id}/event.ics is one valid VEVENT at the right instant, with the host\'s zone', async () => {
    const res = await server.request('GET', `/api/v1/spaces/${scheduledId}/event.ics`);
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /^text\/calendar/);
    const text = String(res.body);
    assert.ok(text.includes('\r\n'), 'CRLF line ends');
    const lines = icsLines(text);
    assert.equal(lines[0], 'BEGIN:VCALENDAR');
    assert.equal(lines.at(-1), 'END:VCALENDAR');
    assert.ok(lines.includes('VERSION:2.0'));
    assert.ok(lines.some((l) => l.startsWith('PRODID:')));
    assert.equal(lines.filter((l) => l === 'BEGIN:VEVENT').length, 1);
    assert.ok(lines.includes('DTSTART:20270304T183000Z'), 'the instant, in UTC');
    assert.ok(lines.includes('DTEND:20270304T193000Z'));
    assert.ok(lines.includes('X-WR-TIMEZONE:Europe/Paris'));
    assert.ok(lines.includes(`UID:${scheduledId}@localhost:80`) || lines.some((l) => l.startsWith(`UID:${scheduledId}@`)));
    assert.ok(lines.includes('SUMMARY:Budget night: who pays\\, <who> gains'), 'commas escaped');
    assert.ok(lines.some((l) => l.startsWith('DESCRIPTION:Line one\\nLine two\\, with a comma\\; and more')));
    for (const l of text.split('\r\n')) assert.ok(Buffer.byteLength(l) <= 75, `folded at 75 octets: ${l}`);
  });

  it('the listener page carries Open Graph and Twitter tags, the oEmbed and calendar links, written on the server', async () => {
    const res = await server.app.inject({ url: `/s/${scheduledId}` });
    if (res.statusCode === 503) return assert.fail('the web app is not built: run npm run build');
    assert.equal(res.statusCode, 200);
    const html = res.body;
    assert.match(html, /<meta property="og:title" content="Budget night: who pays, &lt;who&gt; gains">/);
    assert.match(html, /<meta property="og:image" content="http:\/\/localhost(:\d+)?\/api\/v1\/spaces\/[^"]+\/card\.png\?v=scheduled">/);
    assert.match(html, /<meta name="twitter:card" content="summary_large_image">/);
    assert.match(html, /<meta name="author" content="claire_hosts">/);
    assert.match(html, /<meta property="event:start_time" content="2027-03-04T18:30:00.000Z">/);
    assert.match(html, /og:description" content="Upcoming · Thu 4 Mar, 19:30 CET/);
    const oembed = /<link rel="alternate" type="application\/json\+oembed" href="([^"]+)"/.exec(html);
    assert.ok(oembed, 'oEmbed discovery link');
    assert.equal((html.match(/<title>/g) ?? []).length, 1, 'one title');

    const href = oembed[1]!.replace(/&amp;/g, '&');
    const answer = await server.request('GET', new URL(href).pathname + new URL(href).search);
    assert.equal(answer.status, 200);
    assert.equal(answer.body.type, 'rich');
    assert.equal(answer.body.version, '1.0');
    assert.match(answer.body.html, new RegExp(`^<iframe src="http://localhost(:\\d+)?/embed/${scheduledId}"`));
    assert.equal(answer.body.author_name, 'claire_hosts');

    const unknown = await server.app.inject({ url: '/s/sp_AAAAAAAAAAAA' });
    assert.equal(unknown.statusCode, 404, 'an unknown Space is a 404 page');
  });

  it('oEmbed refuses what it does not serve, with catalogue codes', async () => {
    const xml = await server.request('GET', `/oembed?url=${encodeURIComponent(`http://localhost/s/${scheduledId}`)}&format=xml`);
    assert.equal(xml.status, 501);
    assert.equal(xml.body.error.code, 'OEMBED_FORMAT_UNSUPPORTED');
    const other = await server.request('GET', `/oembed?url=${encodeURIComponent('https://example.org/watch?v=1')}`);
    assert.equal(other.status, 404);
    assert.equal(other.body.error.code, 'OEMBED_URL_UNSUPPORTED');
    const extra = await server.request('GET', `/oembed?url=x&callback=alert`);
    assert.equal(extra.status, 400);
    assert.equal(extra.body.error.code, 'VALIDATION_FAILED');
  });

  it('the image card is a 1200×630 PNG rendered on the server', async () => {
    const res = await server.app.inject({ url: `/api/v1/spaces/${scheduledId}/card.png?v=scheduled` });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'image/png');
    const png = res.rawPayload;
    assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47]);
    assert.equal(png.readUInt32BE(16), 1200);
    assert.equal(png.readUInt32BE(20), 630);
    assert.ok(png.length > 5000, 'more than a blank image');
  });

  it('a host\'s profile page links its RSS and calendar feeds; the feeds are valid RSS 2.0 and iCalendar', async () => {
    const page = await server.app.inject({ url: `/u/${host.user.handle}` });
    assert.equal(page.statusCode, 200);
    const rss = /<link rel="alternate" type="application\/rss\+xml" href="([^"]+)"/.exec(page.body);
    assert.ok(rss, 'RSS discovery link');
    const feed = await server.app.inject({ url: new URL(rss[1]!).pathname });
    assert.equal(feed.statusCode, 200);
    assert.match(String(feed.headers['content-type']), /^application\/rss\+xml/);
    assert.match(feed.body, /^<\?xml version="1.0" encoding="utf-8"\?>\s*<rss version="2.0"/);
    assert.match(feed.body, /<title>claire_hosts on Tribune<\/title>/);

    const cal = await server.app.inject({ url: `/api/v1/profiles/${host.user.handle}/calendar.ics` });
    assert.equal(cal.statusCode, 200);
    const lines = icsLines(cal.body);
    assert.ok(lines.includes('DTSTART:20270304T183000Z'));

    const profile = await server.request('GET', `/api/v1/profiles/${host.user.handle}`);
    assert.equal(profile.status, 200);
    assert.deepEqual(profile.body.upcoming.map((s: { id: string }) => s.id), [scheduledId]);
    const missing = await server.request('GET', '/api/v1/profiles/nobody_here');
    assert.equal(missing.body.error.code, 'HANDLE_NOT_FOUND');
    assert.equal((await server.app.inject({ url: '/u/nobody_here' })).statusCode, 404);
  });

  it('a QR code of the link, as SVG', async () => {
    const res = await server.app.inject({ url: `/api/v1/spaces/${scheduledId}/qr.svg` });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'image/svg+xml');
    assert.match(res.body, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  });
});
