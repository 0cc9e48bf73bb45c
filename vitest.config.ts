import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Many files (the compatibility suites above all) spend their time waiting on
    // client processes and group timeouts, not on CPU: four workers on two cores
    // cut the whole run from about 5 minutes to under 2.
    maxWorkers: 4,
  },
})
