import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Child processes (the CLI) start through tsx; give them room on a loaded 2-core machine.
    testTimeout: 60_000,
    // Suites start a real server in beforeAll: tsx compiling it can take over 10 s when the
    // machine is busy, which is no failure of ours.
    hookTimeout: 90_000,
    pool: 'forks',
  },
});
