import { configDefaults, defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // tests against a real Apache Kafka start JVMs: `npm run test:kafka` (vitest.kafka.config.ts) runs them
    exclude: [...configDefaults.exclude, 'test/**/*.kafka.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Many files (the compatibility suites above all) spend their time waiting on
    // client processes and group timeouts, not on CPU: four workers on two cores
    // cut the whole run from about 5 minutes to under 2.
    maxWorkers: 4,
  },
})
