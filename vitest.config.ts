import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import vue from '@vitejs/plugin-vue';
import vuetify from 'vite-plugin-vuetify';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  test: {
    reporters: ['default'],
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['{common,electron,server,cli,tests/unit}/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 120_000,
          // One throw-away PostgreSQL cluster per run for the server suites (tests/helpers/postgres.ts).
          globalSetup: ['tests/helpers/postgres-global-setup.ts'],
        },
      },
      {
        plugins: [vue(), vuetify({ autoImport: true })],
        resolve: { alias: { '@': `${root}renderer/src` } },
        test: {
          name: 'renderer',
          environment: 'happy-dom',
          include: ['renderer/**/*.test.ts'],
          server: { deps: { inline: ['vuetify'] } },
          css: false,
          setupFiles: ['renderer/src/test/setup.ts'],
        },
      },
    ],
  },
});
