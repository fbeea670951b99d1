// Vite build of the single-page UI (wizard + dashboard). The service serves ui/dist; during development
// `npx vite --config ui/vite.config.ts` proxies /api to a running service.
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  plugins: [svelte()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // no inline scripts or eval: the service's CSP allows scripts from 'self' only
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: { '/api': { target: process.env.API_RADAR_DEV_TARGET ?? 'https://127.0.0.1:8443', secure: false } },
  },
});
