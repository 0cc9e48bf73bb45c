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
    // Each worker runs its files one after another in one process instead of a new
    // one per file: loading the modules again for each of ~150 files cost ~115 s of
    // the two cores' time (a run: 186 s isolated, 142 s not). No test mocks modules
    // or globals; a file must leave the process as it found it: brokers, clients,
    // child processes and timers closed, listeners removed.
    isolate: false,
  },
})
