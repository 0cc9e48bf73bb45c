/**
 * A real consumer behind the memory budget: kafkajs 2.2.4 in a group whose
 * committed offset was released gets OFFSET_OUT_OF_RANGE, follows its reset
 * policy (fromBeginning: the earliest offset still held) and reads on.
 */
import { afterEach, expect, it } from 'vitest'
import { type RunningBroker, startBroker } from '../../src/broker/index.js'
import { Apis } from '../../src/protocol/messages/index.js'
import { describeWithClient } from '../compat/support/external-client.js'
import { importClient } from '../compat/support/npm-client.js'
import { WireClient } from './support/wire-client.js'
import { createTopic, produce } from './support/wire-helpers.js'

const { module: kafkajs, availability } = await importClient('kafkajs', () => import('kafkajs'))

describeWithClient('memory budget with kafkajs', availability, () => {
  const lib = kafkajs as NonNullable<typeof kafkajs>
  let broker: RunningBroker | undefined
  let client: WireClient | undefined

  afterEach(async () => {
    await client?.close()
    await broker?.close()
  })

  it('a consumer whose committed offset was released resets to the earliest offset held', async () => {
    broker = await startBroker({
      port: 0,
      logger: 'silent',
      memoryBudgetBytes: 1024 * 1024,
      groupInitialRebalanceDelayMs: 0,
    })
    client = await WireClient.connect(broker.bootstrap)
    await createTopic(client, 'firehose')
    // the group finished offset 0 long ago
    const committed = await client.send(Apis.OffsetCommit, 8, {
      groupId: 'lagging',
      generationId: -1,
      memberId: '',
      groupInstanceId: null,
      topics: [
        {
          name: 'firehose',
          partitions: [
            { partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: '' },
          ],
        },
      ],
    })
    expect(committed.topics[0].partitions[0].errorCode).toBe(0)
    const value = 'x'.repeat(100)
    for (let i = 0; i < 1500; i++)
      await produce(client, 'firehose', { 0: Array.from({ length: 10 }, () => value) })
    expect(broker.memory.releasedBatches).toBeGreaterThan(0)
    const start = BigInt(broker.memory.releasedBatches * 10)

    const kafka = new lib.Kafka({
      clientId: 'sluice-budget-kafkajs',
      brokers: [broker.bootstrap],
      logLevel: lib.logLevel.NOTHING,
      retry: { retries: 3, initialRetryTime: 50 },
    })
    const consumer = kafka.consumer({ groupId: 'lagging', maxWaitTimeInMs: 100 })
    await consumer.connect()
    try {
      await consumer.subscribe({ topic: 'firehose', fromBeginning: true })
      const first = new Promise<bigint>((resolve) => {
        consumer.run({
          eachMessage: async ({ message }) => resolve(BigInt(message.offset)),
        })
      })
      expect(await first).toBe(start)
    } finally {
      await consumer.disconnect()
    }
  })
})
