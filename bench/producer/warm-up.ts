import { setTimeout as sleep } from 'node:timers/promises'
import { sluiceProduce } from '../broker/sluice-load.js'
import type { BrokerTarget } from '../support/brokers.js'
import { PARTITIONS, type TopicSupply } from '../support/topics.js'

/**
 * Before anything is measured, each broker ingests as many records as one
 * run writes, through the bare protocol layer (bench/broker's load: no client
 * machinery, nothing of the clients under test). A broker starts cold — the
 * JVM's JIT and V8's have not compiled the produce path yet — and otherwise
 * whichever client ran first paid for warming it (seen: Kafka used 1.3 s of
 * CPU for the first run and 0.3 s for the same run later). A failed pass is
 * tried again: the warm-up's load has no retries of its own, and nothing of
 * it is measured.
 */
export async function warmUpBroker(
  target: BrokerTarget,
  topics: TopicSupply,
  records: number,
): Promise<void> {
  const topic = await topics.fresh()
  try {
    // twice, so that the code compiled on the first pass gets its optimised second tier too
    let failures = 0
    for (let pass = 0; pass < 2; ) {
      try {
        await sluiceProduce(target.bootstrap, topic, {
          records,
          partitions: PARTITIONS,
          batchRecords: 4000,
          connections: 1,
          inFlightPerConnection: 4,
        })
        pass++
      } catch (err) {
        if (++failures > 3) throw err
        await sleep(500)
      }
    }
  } finally {
    await topics.remove(topic)
  }
}
