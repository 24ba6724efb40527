import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Child processes (the CLI) start through tsx; give them room on a loaded 2-core machine.
    testTimeout: 60_000,
    pool: 'forks',
  },
});
