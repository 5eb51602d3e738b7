import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { buildWeb } from '../helpers/web-build.js';

/** The listener page is loaded by a whole audience at once: all its JS, hls.js included. */
const BUDGET_BYTES = 200 * 1024;

interface ManifestChunk { file: string; imports?: string[]; dynamicImports?: string[]; isEntry?: boolean }

test('the listener page ships at most 200 KB of gzipped JS, hls.js included, all content-hashed', { timeout: 60_000 }, async () => {
  const out = mkdtempSync(join(tmpdir(), 'tribune-web-budget-'));
  try {
    await buildWeb(out);
    const manifest = JSON.parse(readFileSync(join(out, '.vite', 'manifest.json'), 'utf8')) as Record<string, ManifestChunk>;
    // Everything the page can load: static imports and the lazily loaded player.
    const seen = new Set<string>();
    const visit = (key: string) => {
      if (seen.has(key)) return;
      seen.add(key);
      const chunk = manifest[key];
      assert.ok(chunk, `manifest entry ${key}`);
      for (const next of [...(chunk.imports ?? []), ...(chunk.dynamicImports ?? [])]) visit(next);
    };
    visit('listener.html');
    const files = [...seen].map((k) => manifest[k]!.file).filter((f) => f.endsWith('.js'));
    assert.ok(files.some((f) => f.includes('hls')), `hls.js is part of the listener page: ${files.join(', ')}`);
    for (const f of files) assert.match(f, /^assets\/.+-[A-Za-z0-9_-]{8}\.js$/, `${f} carries a content hash`);
    const gzipped = files.reduce((sum, f) => sum + gzipSync(readFileSync(join(out, f)), { level: 9 }).length, 0);
    process.stdout.write(`listener page JS: ${files.length} files, ${(gzipped / 1024).toFixed(1)} KB gzipped (budget ${BUDGET_BYTES / 1024} KB)\n`);
    assert.ok(gzipped <= BUDGET_BYTES, `listener JS is ${gzipped} bytes gzipped, over the ${BUDGET_BYTES} budget`);
    const html = readFileSync(join(out, 'listener.html'), 'utf8');
    assert.doesNotMatch(html, /src="\/src\//, 'the built page references built assets only');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
