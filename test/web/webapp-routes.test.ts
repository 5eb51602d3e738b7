import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { webappRoutes } from '../../src/webapp/routes.js';

const PAGES = { 'index.html': 'home', 'listener.html': 'listener', 'speaker.html': 'speaker', 'studio.html': 'studio', 'moderation.html': 'moderation', 'statements.html': 'statements', 'transparency.html': 'transparency' };
let dir: string;
let app: FastifyInstance;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tribune-webapp-'));
  mkdirSync(join(dir, 'assets'));
  for (const [file, name] of Object.entries(PAGES)) writeFileSync(join(dir, file), `<!doctype html><title>${name}</title>`);
  writeFileSync(join(dir, 'assets', 'listener-AbCd1234.js'), 'export {};');
  app = Fastify();
  app.setNotFoundHandler((_req, reply) => reply.code(404).send({ error: { code: 'ROUTE_NOT_FOUND' } }));
  await app.register(webappRoutes, { distDir: dir });
});
after(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

test('each page path serves its HTML, briefly cached and revalidated by ETag', async () => {
  const cases: Array<[string, string]> = [
    ['/', 'home'], ['/s/sp_abcdefghijkl', 'listener'], ['/s/sp_abcdefghijkl/join', 'speaker'],
    ['/s/sp_abcdefghijkl/studio', 'studio'], ['/moderation', 'moderation'], ['/me/statements', 'statements'], ['/transparency', 'transparency'],
  ];
  for (const [url, name] of cases) {
    const res = await app.inject({ url });
    assert.equal(res.statusCode, 200, url);
    assert.match(res.headers['content-type'] as string, /^text\/html/);
    assert.ok(res.body.includes(`<title>${name}</title>`), url);
    assert.equal(res.headers['cache-control'], 'public, max-age=60');
    const again = await app.inject({ url, headers: { 'if-none-match': res.headers.etag as string } });
    assert.equal(again.statusCode, 304, `${url} revalidates`);
  }
});

test('hashed assets are immutable for a year; unknown paths keep the JSON 404', async () => {
  const asset = await app.inject({ url: '/assets/listener-AbCd1234.js' });
  assert.equal(asset.statusCode, 200);
  assert.equal(asset.headers['cache-control'], 'public, max-age=31536000, immutable');
  for (const url of ['/assets/missing-00000000.js', '/api/v1/nothing', '/s/sp_abcdefghijkl/elsewhere', '/listener.html']) {
    const res = await app.inject({ url });
    assert.equal(res.statusCode, 404, url);
    assert.equal(res.json().error.code, 'ROUTE_NOT_FOUND', url);
  }
});

test('without a build, the pages say how to build and the server still starts', async () => {
  const empty = mkdtempSync(join(tmpdir(), 'tribune-webapp-empty-'));
  const bare = Fastify();
  try {
    await bare.register(webappRoutes, { distDir: empty });
    const res = await bare.inject({ url: '/s/sp_abcdefghijkl' });
    assert.equal(res.statusCode, 503);
    assert.match(res.body, /npm run build/);
  } finally {
    await bare.close();
    rmSync(empty, { recursive: true, force: true });
  }
});
