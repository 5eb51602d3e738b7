import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const page = (name: string) => fileURLToPath(new URL(`./${name}.html`, import.meta.url));

/**
 * One HTML file per page (multi-page build) rather than an SPA: the listener page, loaded by a
 * whole audience at once, pulls only its own chunk (Preact + hls.js + its component) and nothing
 * of the studio or the moderator console. Every asset name carries a content hash, so the server
 * can cache them for a year; the HTML files are the only short-lived responses.
 */
export default defineConfig({
  root,
  base: '/',
  plugins: [preact()],
  resolve: {
    // The light build has LL-HLS and fMP4 but no subtitles, alternate audio, EME or CMCD, none of
    // which an audio Space uses: ~60 KB gzipped less, which keeps the listener page in its budget.
    alias: [{ find: /^hls\.js$/, replacement: fileURLToPath(new URL('../node_modules/hls.js/dist/hls.light.mjs', import.meta.url)) }],
  },
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
    // .vite/manifest.json: the budget test walks it from listener.html to every chunk the page can load.
    manifest: true,
    rollupOptions: {
      input: { home: page('index'), listener: page('listener'), speaker: page('speaker'), studio: page('studio'), moderation: page('moderation'),
        statements: page('statements'), transparency: page('transparency'), profile: page('profile'), embed: page('embed'), clip: page('clip') },
    },
  },
  server: {
    // `vite --config web/vite.config.ts` during development: the API, media and WebSocket come from a running `tribune serve`.
    proxy: { '/api': { target: 'http://localhost:8080', ws: true }, '/hls': 'http://localhost:8080' },
  },
});
