import { defineConfig } from 'vitest/config';

/**
 * One project per test tier (ARCHITECTURE.md "Tests"). `npm test` runs them all;
 * `npx vitest run --project unit` runs one.
 */
export default defineConfig({
  test: {
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { extends: true, test: { name: 'handlers', include: ['test/handlers/**/*.test.ts'] } },
      { extends: true, test: { name: 'workflows', include: ['test/workflows/**/*.test.ts'] } },
      { extends: true, test: { name: 'infra', include: ['test/infra/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000 } },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/e2e/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
