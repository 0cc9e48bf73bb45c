import { consumerKillScenario } from './consumer-kill-scenario.js'

// the same body as consumer-kill.test.ts against Apache Kafka, with fewer kills to keep test:kafka short
consumerKillScenario(['kafka'], {
  records: 12_000,
  partitions: 4,
  keys: 16,
  kills: 6,
  minLines: 200,
  maxLines: 1500,
  timeoutMs: 120_000,
})
