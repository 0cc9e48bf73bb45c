import { Consumer } from '@platformatic/kafka'
import { runChild } from '../../support/child-runtime.js'
import { ThroughputProbe } from './throughput-probe.js'
import type { ThroughputConfig, ThroughputReport } from './throughput-protocol.js'

/**
 * @platformatic/kafka reading the topic from the beginning the way its
 * README consumes: `consumer.consume({ topics, mode: 'earliest' })`, a
 * readable stream of records in flowing mode ('data'). Its defaults
 * otherwise (maxBytes 10 MiB, highWaterMark 1024 records, autocommit on).
 */

await runChild(async (config: ThroughputConfig): Promise<ThroughputReport> => {
  const probe = new ThroughputProbe(config)
  const consumer = new Consumer({
    clientId: 'bench-platformatic',
    groupId: config.groupId,
    bootstrapBrokers: [config.bootstrap],
  })
  const stream = await consumer.consume({ topics: [config.topic], mode: 'earliest' })
  const failed = new Promise<never>((_, reject) => stream.once('error', reject))
  stream.on('data', (message) => probe.record(message.partition, Number(message.offset)))
  await Promise.race([probe.reached, failed])
  probe.stop()
  await stream.close()
  await consumer.close()
  return probe.report("consume({ topics, mode: 'earliest' }) stream, 'data' events, defaults")
})
