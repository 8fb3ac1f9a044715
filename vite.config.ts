/// <reference types="vitest/config" />
import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { bootAfterPaint } from './scripts/boot-plugin.ts';
import { compileHints } from './scripts/compile-hints-plugin.ts';
import { contentSecurityPolicy } from './scripts/csp-plugin.ts';
import { buildDataPlugin } from './scripts/build-data-plugin.ts';
import { inlineCss } from './scripts/inline-css-plugin.ts';
import { precacheServiceWorker } from './scripts/sw-plugin.ts';

export default defineConfig({
  // Relative base so the static build works from any sub-path (e.g. GitHub Pages).
  base: './',
  plugins: [
    react(),
    tailwindcss(),
    precacheServiceWorker(),
    // Before the CSP: it hashes the inline scripts, the loader among them.
    bootAfterPaint(),
    contentSecurityPolicy(),
    inlineCss(),
    buildDataPlugin(import.meta.dirname),
    compileHints(),
  ],
  // Module workers (the client starts them with type: 'module'): the trace worker's scenario files
  // are chunks of their own, fetched when a scenario is opened, not inlined in it.
  worker: { format: 'es' },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1', port: 4173 },
  test: {
    environment: 'node',
    globals: true,
    // Test files share a worker's module cache instead of re-importing the engine and the catalog
    // for each of the ~110 files: imports were two thirds of the unit run. Tests must therefore
    // not lean on module state another file left behind (the i18n test loads Chinese as the app does).
    isolate: false,
    include: ['src/**/*.test.{ts,tsx}', 'test/**/*.test.ts'],
    exclude: ['e2e/**', 'node_modules/**', 'dist/**'],
  },
});
