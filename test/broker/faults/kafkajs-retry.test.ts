/**
 * A real client against an injected retriable error: kafkajs 2.2.4 produces
 * through NOT_LEADER_OR_FOLLOWER answered twice for its partition, refreshes
 * its metadata, retries, and the records arrive once.
 */
import { afterEach, expect, it } from 'vitest'
import { type RunningBroker, startBroker } from '../../../src/broker/index.js'
import { describeWithClient } from '../../compat/support/external-client.js'
import { importClient } from '../../compat/support/npm-client.js'
import { WireClient } from '../support/wire-client.js'
import { createTopic, storedValues } from '../support/wire-helpers.js'

const { module: kafkajs, availability } = await importClient('kafkajs', () => import('kafkajs'))

describeWithClient('fault injection with kafkajs', availability, () => {
  const lib = kafkajs as NonNullable<typeof kafkajs>
  let broker: RunningBroker | undefined
  let client: WireClient | undefined

  afterEach(async () => {
    await client?.close()
    await broker?.close()
  })

  it('retries a produce failed twice with NOT_LEADER_OR_FOLLOWER; every record is stored once', async () => {
    broker = await startBroker({ port: 0, logger: 'silent', faultInjection: true })
    client = await WireClient.connect(broker.bootstrap)
    await createTopic(client, 'retried', 2)
    const fault = broker.faults.failNext('Produce', 'NOT_LEADER_OR_FOLLOWER', {
      topic: 'retried',
      partition: 1,
      times: 2,
    })

    const kafka = new lib.Kafka({
      clientId: 'sluice-faults-kafkajs',
      brokers: [broker.bootstrap],
      logLevel: lib.logLevel.NOTHING,
      retry: { retries: 5, initialRetryTime: 20, maxRetryTime: 200 },
    })
    const producer = kafka.producer({ allowAutoTopicCreation: false })
    await producer.connect()
    try {
      const result = await producer.send({
        topic: 'retried',
        acks: -1,
        messages: ['a', 'b', 'c'].map((value) => ({ partition: 1, value })),
      })
      expect(result).toMatchObject([{ partition: 1, errorCode: 0, baseOffset: '0' }])
    } finally {
      await producer.disconnect()
    }
    expect(fault.fired).toBe(2)
    expect(await storedValues(client, 'retried', 1)).toEqual(['a', 'b', 'c'])
    expect(await storedValues(client, 'retried', 0)).toEqual([])
  })
})
