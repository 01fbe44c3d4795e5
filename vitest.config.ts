import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // No colour variables, a fresh cache directory: see the file.
    setupFiles: ['test/helpers/isolate-env.ts'],
    // Builds dist/ when it is older than src/ (the CLI and the child processes run
    // it), and gives the run one temp parent that is always removed: see the file.
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
