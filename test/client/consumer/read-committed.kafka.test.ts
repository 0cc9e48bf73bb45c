import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { ConsumerMessage } from '../../../src/index.js'
import { PYTHON, runChecked } from '../../compat/support/external-client.js'
import { describeEachTarget } from '../../kafka/targets.js'
import { ClientHarness } from '../support/client-for.js'
import { until } from './consumer-scenarios.js'

const WRITER = fileURLToPath(new URL('./support/transactional_writer.py', import.meta.url))

// Kafka only: the embedded broker has no transactions (README, known differences)
describeEachTarget('consumer isolation levels', { targets: ['kafka'], brokers: 1 }, (target) => {
  const clients = new ClientHarness()
  const topic = `txn-${Math.random().toString(36).slice(2, 8)}`

  beforeAll(async () => {
    await clients.admin({ brokers: target().bootstrap }).createTopics([{ topic, partitions: 1 }])
    // librdkafka writes 5 records in an aborted transaction, then 5 in a committed one
    await runChecked(PYTHON, [WRITER, target().bootstrap, topic, '5'], { timeoutMs: 60_000 })
  }, 90_000)
  afterAll(() => clients.closeAll())

  async function readAll(isolationLevel: 'read_committed' | 'read_uncommitted', expected: number) {
    const consumer = clients.consumer({ brokers: target().bootstrap }, { isolationLevel })
    consumer.assign([{ topic, partition: 0, offset: 0n }])
    const seen: ConsumerMessage[] = []
    const running = consumer.run((m) => {
      seen.push(m)
    })
    await until(`${expected} records`, () => seen.length >= expected)
    // anything more (an aborted record, a control record) would arrive by now
    await new Promise((resolve) => setTimeout(resolve, 500))
    await consumer.close()
    await running
    return seen.map((m) => String(m.value))
  }

  it('read_committed leaves out the records of an aborted transaction and the control records', async () => {
    expect(await readAll('read_committed', 5)).toEqual(['0', '1', '2', '3', '4'].map((i) => `committed-${i}`))
  })

  it('read_uncommitted reads both transactions, never the control records', async () => {
    expect(await readAll('read_uncommitted', 10)).toEqual([
      ...['0', '1', '2', '3', '4'].map((i) => `aborted-${i}`),
      ...['0', '1', '2', '3', '4'].map((i) => `committed-${i}`),
    ])
  })
})
