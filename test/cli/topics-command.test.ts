import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBroker } from '../../src/broker/index.js'
import { type Admin, Kafka } from '../../src/client/index.js'
import { runInProcess } from './support/in-process.js'

describe('sluice topics', () => {
  let broker: Awaited<ReturnType<typeof startBroker>>
  let admin: Admin
  const sluice = (...args: string[]) => runInProcess([...args, '--brokers', broker.bootstrap])

  beforeAll(async () => {
    broker = await startBroker({ port: 0, logger: 'silent' })
    admin = new Kafka({ brokers: broker.bootstrap, logger: 'silent' }).admin()
  })
  afterAll(async () => {
    await admin?.close()
    await broker?.close()
  })

  it('creates a topic with partitions and configs, lists it and describes its partitions and offsets', async () => {
    const created = await sluice(
      'topics',
      'create',
      'cli-orders',
      '-p',
      '3',
      '--config',
      'retention.ms=3600000',
      '--json',
    )
    expect(created.stderr).toBe('')
    expect(created.code).toBe(0)
    expect(JSON.parse(created.stdout)).toMatchObject({ topic: 'cli-orders', created: true, partitions: 3 })

    const producer = new Kafka({ brokers: broker.bootstrap, logger: 'silent' }).producer()
    await producer.send({
      topic: 'cli-orders',
      messages: [
        { value: 'a', partition: 1 },
        { value: 'b', partition: 1 },
      ],
    })
    await producer.close()

    const listed = await sluice('topics', 'list', '--json')
    expect(JSON.parse(listed.stdout)).toContainEqual({
      topic: 'cli-orders',
      partitions: 3,
      replicationFactor: 1,
      internal: false,
    })

    const described = await sluice('topics', 'describe', 'cli-orders', '--json')
    expect(described.code).toBe(0)
    const [topic] = JSON.parse(described.stdout)
    expect(topic.topic).toBe('cli-orders')
    expect(topic.configs).toEqual({ 'retention.ms': '3600000' })
    expect(topic.partitions).toHaveLength(3)
    expect(topic.partitions[1]).toMatchObject({
      partition: 1,
      leader: expect.any(Number),
      replicas: [expect.any(Number)],
      isr: [expect.any(Number)],
      earliestOffset: 0,
      latestOffset: 2,
    })
    expect(topic.partitions[0]).toMatchObject({ earliestOffset: 0, latestOffset: 0 })

    // the human table: a header line, then one line per partition
    const table = await sluice('topics', 'describe', 'cli-orders')
    const lines = table.stdout.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^topic cli-orders\s+id \S+\s+partitions 3\s+configs retention\.ms=3600000$/)
    expect(lines[1].split(/\s+/)).toEqual([
      'PARTITION',
      'LEADER',
      'REPLICAS',
      'ISR',
      'EARLIEST',
      'LATEST',
      'RECORDS',
    ])
    expect(lines[3].split(/\s+/).slice(-3)).toEqual(['0', '2', '2'])
  })

  it('alters configs incrementally and deletes topics', async () => {
    await admin.createTopics([
      {
        topic: 'cli-config',
        partitions: 1,
        configs: { 'retention.ms': '1000', 'cleanup.policy': 'compact' },
      },
    ])
    const altered = await sluice(
      'topics',
      'alter-config',
      'cli-config',
      '--set',
      'max.message.bytes=2048',
      '--delete',
      'retention.ms',
      '--json',
    )
    expect(altered.code).toBe(0)
    expect(JSON.parse(altered.stdout)).toEqual({
      topic: 'cli-config',
      configs: { 'cleanup.policy': 'compact', 'max.message.bytes': '2048' },
    })

    const deleted = await sluice('topics', 'delete', 'cli-config', 'cli-orders')
    expect(deleted.code).toBe(0)
    expect(deleted.stdout).toBe('deleted topic cli-config\ndeleted topic cli-orders\n')
    expect(await admin.listTopics()).not.toContain('cli-config')
  })

  it('fails in one line with exit code 1 when Kafka refuses', async () => {
    const missing = await sluice('topics', 'describe', 'no-such-topic')
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(/^sluice: .*no-such-topic.*\n$/)
    expect(missing.stderr.trimEnd().split('\n')).toHaveLength(1)
  })
})
