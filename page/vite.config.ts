// Vite builds the page (page/src) into dist/page: index.html plus hashed assets under
// assets/, which the server serves at / and /assets/ (server/page.ts). No dev server is
// used: `npm run build:page` (or npm start) builds it; the tests build their own copy.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../dist/page', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    // The server's CSP allows scripts from 'self' only; nothing inline.
    modulePreload: { polyfill: false },
    target: 'es2022',
    reportCompressedSize: false,
    sourcemap: false,
  },
});
