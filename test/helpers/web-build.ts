import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Set by scripts/run-tests.mjs once it has built dist/web for the whole run. */
export const WEB_BUILT_ENV = 'TRIBUNE_TEST_WEB_BUILT';

/**
 * Builds the web app with its own Vite config (into `outDir`, default dist/web). Under the test
 * runner the default build was made once before any file ran: test files running side by side must
 * not rebuild it, since a rebuild empties dist/web under another file's pages (their assets 404).
 */
export async function buildWeb(outDir?: string): Promise<void> {
  if (!outDir && process.env[WEB_BUILT_ENV] === '1') return;
  await build({
    configFile: `${ROOT}web/vite.config.ts`,
    logLevel: 'error',
    ...(outDir ? { build: { outDir, emptyOutDir: true } } : {}),
  });
}
