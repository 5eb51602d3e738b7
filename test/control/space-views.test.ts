import assert from 'node:assert/strict';
import { test } from 'node:test';
import { register, startTestServer } from '../helpers/control-server.js';

/**
 * The read models routes hand out: the audience's /state, rebuilt at most every 500 ms per Space on
 * the server's clock (here the test's, moved by hand), with an ETag that names the content; and a
 * page of Spaces, whose hosts are read in one store query.
 */
test('/state is rebuilt at most every 500 ms of the injected clock; its ETag changes with the content only', async (t) => {
  let now = Date.parse('2026-06-01T18:00:00.000Z');
  const server = await startTestServer({ server: { clock: { now: () => now } } });
  t.after(() => server.close());
  const host = await register(server, 'state_host');
  const space = (await server.request('POST', '/api/v1/spaces', { token: host.token, body: { title: 'Before' } })).body as { id: string };
  const read = (headers: Record<string, string> = {}) => server.app.inject({ url: `/api/v1/spaces/${space.id}/state`, headers });

  const first = await read();
  assert.equal(first.statusCode, 200);
  assert.equal(first.headers['cache-control'], 'public, max-age=1');
  assert.match(String(first.headers.vary), /Accept-Encoding/);
  assert.equal(JSON.parse(first.body).title, 'Before');
  assert.equal(JSON.parse(first.body).generatedAt, new Date(now).toISOString());

  assert.equal((await server.request('PATCH', `/api/v1/spaces/${space.id}`, { token: host.token, body: { title: 'After' } })).status, 200);
  now += 499;
  const cached = await read();
  assert.equal(cached.body, first.body, 'within 500 ms of the clock the same version, whatever changed');
  assert.equal(cached.headers.etag, first.headers.etag);

  now += 1;
  const rebuilt = await read();
  assert.equal(JSON.parse(rebuilt.body).title, 'After');
  assert.notEqual(rebuilt.headers.etag, first.headers.etag, 'new content, new ETag');

  now += 500;
  const again = await read();
  assert.notEqual(JSON.parse(again.body).generatedAt, JSON.parse(rebuilt.body).generatedAt);
  assert.equal(again.headers.etag, rebuilt.headers.etag, 'only the time it was made differs: the same version');
  const unchanged = await read({ 'if-none-match': String(again.headers.etag) });
  assert.equal(unchanged.statusCode, 304);
  assert.equal(unchanged.body, '');

  // An unknown Space is refused and not kept: the error is the catalogue's, every time.
  for (let i = 0; i < 2; i++) {
    const missing = await server.request('GET', '/api/v1/spaces/sp_AAAAAAAAAAAA/state');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'SPACE_NOT_FOUND');
  }
});

test('a page of Spaces reads its hosts in one store query, each Space with its own host', async (t) => {
  const server = await startTestServer();
  t.after(() => server.close());
  const hosts = [await register(server, 'page_host_a'), await register(server, 'page_host_b'), await register(server, 'page_host_c')];
  const expected = new Map<string, string>();
  for (let i = 0; i < 9; i++) {
    const host = hosts[i % hosts.length]!;
    const space = (await server.request('POST', '/api/v1/spaces', { token: host.token, body: { title: `Page ${i}` } })).body as { id: string };
    expected.set(space.id, host.user.handle);
  }
  // Count the store's user reads while the page is answered (the real store underneath).
  const users = server.store.users;
  const calls = { byId: 0, byIds: 0 };
  const { byId, byIds } = users;
  users.byId = (id) => { calls.byId++; return byId.call(users, id); };
  users.byIds = (ids) => { calls.byIds++; return byIds.call(users, ids); };
  t.after(() => { users.byId = byId; users.byIds = byIds; });

  const page = await server.request('GET', '/api/v1/spaces?limit=50');
  assert.equal(page.status, 200);
  const listed = (page.body.spaces as Array<{ id: string; host: { handle: string } }>).filter((s) => expected.has(s.id));
  assert.equal(listed.length, 9);
  for (const s of listed) assert.equal(s.host.handle, expected.get(s.id));
  assert.deepEqual(calls, { byId: 0, byIds: 1 });
});
