// Svelte compiler options for the UI (used by the Vite plugin and svelte-check).
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

export default {
  preprocess: vitePreprocess(),
  compilerOptions: { runes: true },
};
