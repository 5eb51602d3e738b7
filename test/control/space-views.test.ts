import assert from 'node:assert/strict';
import { test } from 'node:test';
import { brotliDecompressSync } from 'node:zlib';
import jsonPatch, { type Operation } from 'fast-json-patch';
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

test('/state?since=<ETag> is a JSON Patch from that version to the current one, or the whole state when the origin no longer knows it', async (t) => {
  let now = Date.parse('2026-06-01T18:00:00.000Z');
  const server = await startTestServer({ server: { clock: { now: () => now } } });
  t.after(() => server.close());
  const host = await register(server, 'patch_host');
  const space = (await server.request('POST', '/api/v1/spaces', { token: host.token, body: { title: 'Version 0' } })).body as { id: string };
  const read = (query = '', headers: Record<string, string> = {}) => server.app.inject({ url: `/api/v1/spaces/${space.id}/state${query}`, headers });
  const tag = (etag: unknown) => String(etag).replace(/"/g, '');

  const held = await read();
  let page = JSON.parse(held.body) as Record<string, unknown>;
  const versions = [{ etag: tag(held.headers.etag), body: page }];
  for (let i = 1; i <= 10; i++) {
    assert.equal((await server.request('PATCH', `/api/v1/spaces/${space.id}`, { token: host.token, body: { title: `Version ${i}` } })).status, 200);
    now += 500;
    const whole = await read();
    const patched = await read(`?since=${versions.at(-1)!.etag}`, { 'accept-encoding': 'br' });
    assert.equal(patched.statusCode, 200);
    assert.equal(patched.headers['content-type'], 'application/json-patch+json');
    assert.equal(patched.headers.etag, whole.headers.etag, 'the ETag is the current state\'s');
    assert.equal(patched.headers['content-encoding'], 'br');
    const ops = JSON.parse(brotliDecompressSync(patched.rawPayload).toString()) as Operation[];
    page = jsonPatch.applyPatch(page, ops, true, false).newDocument;
    assert.deepEqual(page, JSON.parse(whole.body), `version ${i}: the patch gives the current state, generatedAt included`);
    assert.ok(patched.rawPayload.length < Buffer.byteLength(whole.body) / 2, `a patch of ${patched.rawPayload.length} B for a state of ${whole.body.length} B`);
    versions.push({ etag: tag(whole.headers.etag), body: JSON.parse(whole.body) });
  }
  // Unchanged: an empty change but for the time it was made.
  now += 500;
  const same = await read(`?since=${versions.at(-1)!.etag}`);
  assert.deepEqual((JSON.parse(same.body) as Operation[]).map((o) => o.path), ['/generatedAt']);
  // A version too old to be kept, or one never made: the whole state, as without since.
  for (const since of [versions[0]!.etag, 'never-made-0123456789']) {
    const whole = await read(`?since=${since}`);
    assert.equal(whole.statusCode, 200);
    assert.match(String(whole.headers['content-type']), /^application\/json/);
    assert.equal(JSON.parse(whole.body).title, 'Version 10');
  }
  // Not an ETag: refused with the catalogue's code, and so is any other parameter.
  for (const query of ['?since=%22quoted%22', `?since=${'x'.repeat(65)}`, '?since=a&since=b', '?nocache=1']) {
    const bad = await read(query);
    assert.equal(bad.statusCode, 400, query);
    assert.equal(JSON.parse(bad.body).error.code, 'VALIDATION_FAILED', query);
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
