import { resolve } from 'node:path';
import { defineConfig } from 'vite';

/**
 * The dashboard (docs/dashboard.md): built into dist/web, which the API
 * serves at `/`. Everything is bundled (no CDN: federations' networks may be
 * closed); charts are split into their own chunk, loaded when a page draws one.
 */
export default defineConfig({
  root: resolve(import.meta.dirname),
  base: '/',
  publicDir: 'public',
  build: {
    outDir: resolve(import.meta.dirname, '../../dist/web'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 700,
    rolldownOptions: {
      // React Query marks its modules "use client" for server components; a browser bundle has no use for it.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  server: {
    // `npm run dev:web` beside `npm start`: the API on its port.
    proxy: { '/api': `http://127.0.0.1:${process.env.PORT ?? 3000}` },
  },
});
