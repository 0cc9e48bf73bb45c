import { consumerKillScenario } from './consumer-kill-scenario.js'

// 10 kills against the embedded broker; consumer-kill.kafka.test.ts runs fewer against Apache Kafka
consumerKillScenario(['embedded'], {
  records: 20_000,
  partitions: 4,
  keys: 16,
  kills: 10,
  minLines: 200,
  maxLines: 1500,
  timeoutMs: 120_000,
})
