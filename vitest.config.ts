import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src-core/**/*.test.ts', 'electron/**/*.test.ts', 'renderer/**/*.test.ts'],
    // The browser suite runs on its own (vitest.e2e.config.ts, npm run test:e2e).
    exclude: [...configDefaults.exclude, 'test/e2e/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
