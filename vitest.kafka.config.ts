import { defineConfig } from 'vitest/config'

/**
 * `npm run test:kafka`: the tests that run against a real Apache Kafka
 * (test/kafka/ starts it). Each file shares one Kafka (or one 3-node cluster)
 * among its tests; two files at a time keeps at most two clusters, six JVMs of
 * ~400 MB, on the two CI cores beside the clients they test.
 */
export default defineConfig({
  test: {
    include: ['test/**/*.kafka.test.ts'],
    // the JVMs' shared class archive, made once before the files start their Kafkas
    globalSetup: ['test/kafka/global-setup.ts'],
    testTimeout: 120_000,
    // starting a 3-node cluster while another file's cluster is busy
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 2,
  },
})
