import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Builds the web app with its own Vite config (into `outDir`, default dist/web). */
export async function buildWeb(outDir?: string): Promise<void> {
  await build({
    configFile: `${ROOT}web/vite.config.ts`,
    logLevel: 'error',
    ...(outDir ? { build: { outDir, emptyOutDir: true } } : {}),
  });
}
