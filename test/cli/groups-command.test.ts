import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBroker } from '../../src/broker/index.js'
import { type Admin, Kafka } from '../../src/client/index.js'
import { runInProcess } from './support/in-process.js'

describe('sluice groups', () => {
  let broker: Awaited<ReturnType<typeof startBroker>>
  let kafka: Kafka
  let admin: Admin
  let producedAt: number
  const sluice = (...args: string[]) => runInProcess([...args, '--brokers', broker.bootstrap])
  const committed = async (group: string) =>
    (await admin.fetchOffsets(group))
      .map((o) => [o.partition, o.offset])
      .sort((a, b) => Number(a[0]) - Number(b[0]))

  beforeAll(async () => {
    broker = await startBroker({ port: 0, logger: 'silent', groupInitialRebalanceDelayMs: 0 })
    kafka = new Kafka({ brokers: broker.bootstrap, logger: 'silent' })
    admin = kafka.admin()
    await admin.createTopics([{ topic: 'cli-events', partitions: 2 }])
    const producer = kafka.producer()
    producedAt = Date.now()
    // partition 0: offsets 0-9, timestamps at, at+1000, ...
    await producer.send({
      topic: 'cli-events',
      messages: Array.from({ length: 10 }, (_, i) => ({
        value: `e${i}`,
        partition: 0,
        timestamp: producedAt + i * 1000,
      })),
    })
    await producer.send({ topic: 'cli-events', messages: [{ value: 'x', partition: 1 }] })
    await producer.close()
    await admin.alterOffsets('cli-idle', [
      { topic: 'cli-events', partition: 0, offset: 4n },
      { topic: 'cli-events', partition: 1, offset: 1n },
    ])
  })
  afterAll(async () => {
    await admin?.close()
    await broker?.close()
  })

  it('lists groups and describes one with its lag per partition', async () => {
    const listed = await sluice('groups', 'list', '--json')
    expect(listed.code).toBe(0)
    expect(JSON.parse(listed.stdout)).toContainEqual(
      expect.objectContaining({ groupId: 'cli-idle', state: 'Empty' }),
    )

    const described = await sluice('groups', 'describe', 'cli-idle', '--json')
    expect(described.code).toBe(0)
    expect(JSON.parse(described.stdout)).toMatchObject({
      groupId: 'cli-idle',
      state: 'Empty',
      members: [],
      totalLag: 6,
      partitions: [
        { topic: 'cli-events', partition: 0, committed: 4, logEnd: 10, lag: 6, memberId: null },
        { topic: 'cli-events', partition: 1, committed: 1, logEnd: 1, lag: 0, memberId: null },
      ],
    })
  })

  it('describes the members of an active group with their assignment', async () => {
    const consumer = kafka.consumer({ groupId: 'cli-active', topics: ['cli-events'], fromBeginning: true })
    let seen = 0
    const assigned = new Promise<void>((resolve) =>
      consumer.on('rebalance', (e) => e.type === 'assigned' && resolve()),
    )
    const done = consumer.run(async () => {
      seen++
    })
    try {
      await assigned
      const described = await sluice('groups', 'describe', 'cli-active', '--json')
      const group = JSON.parse(described.stdout)
      expect(group).toMatchObject({
        state: 'Stable',
        protocolType: 'consumer',
        protocol: 'cooperative-sticky',
      })
      expect(group.members).toHaveLength(1)
      expect(group.members[0]).toMatchObject({ clientId: 'sluice', host: expect.any(String) })
      expect(group.members[0].assignment).toEqual([
        { topic: 'cli-events', partition: 0 },
        { topic: 'cli-events', partition: 1 },
      ])

      // the human view names the member on each partition it holds
      const table = await sluice('groups', 'describe', 'cli-active')
      expect(table.stdout).toMatch(/^state:\s+Stable$/m)
      expect(table.stdout).toMatch(/^MEMBER\s+CLIENT ID\s+HOST\s+ASSIGNMENT$/m)
      expect(table.stdout).toContain('cli-events:0,1')

      // offsets of a group with members are not reset from outside
      const refused = await sluice(
        'groups',
        'reset-offsets',
        'cli-active',
        '--topic',
        'cli-events',
        '--to',
        'earliest',
      )
      expect(refused.code).toBe(1)
      expect(refused.stderr).toMatch(
        /^sluice: group cli-active has 1 active member\(s\) \(state Stable\): stop its consumers first\n$/,
      )
    } finally {
      await consumer.close()
      await done
    }
    expect(seen).toBe(11)
  })

  it('resets offsets: a dry run changes nothing, then earliest, an offset and a time take effect', async () => {
    const dry = await sluice(
      'groups',
      'reset-offsets',
      'cli-idle',
      '--topic',
      'cli-events',
      '--to',
      'earliest',
      '--dry-run',
      '--json',
    )
    expect(dry.code).toBe(0)
    expect(JSON.parse(dry.stdout)).toEqual({
      groupId: 'cli-idle',
      dryRun: true,
      partitions: [
        { topic: 'cli-events', partition: 0, offset: 0, previous: 4 },
        { topic: 'cli-events', partition: 1, offset: 0, previous: 1 },
      ],
    })
    expect(await committed('cli-idle')).toEqual([
      [0, 4n],
      [1, 1n],
    ])

    const toOffset = await sluice(
      'groups',
      'reset-offsets',
      'cli-idle',
      '-t',
      'cli-events',
      '--partition',
      '0',
      '--to',
      '7',
    )
    expect(toOffset.code).toBe(0)
    expect(toOffset.stdout).toMatch(/reset 1 partition\(s\) of group cli-idle\n$/)
    expect(await committed('cli-idle')).toEqual([
      [0, 7n],
      [1, 1n],
    ])

    // past the end is kept at the end, as kafka-consumer-groups does
    await sluice('groups', 'reset-offsets', 'cli-idle', '-t', 'cli-events', '--to', '999')
    expect(await committed('cli-idle')).toEqual([
      [0, 10n],
      [1, 1n],
    ])

    // the records of partition 0 are a second apart: 3 s after the first is offset 3
    const when = new Date(producedAt + 3000).toISOString()
    const byTime = await sluice(
      'groups',
      'reset-offsets',
      'cli-idle',
      '-t',
      'cli-events',
      '--partition',
      '0',
      '--to-datetime',
      when,
    )
    expect(byTime.code).toBe(0)
    expect((await committed('cli-idle'))[0]).toEqual([0, 3n])
  })

  it('consume --from-time starts at the first record at or after that time', async () => {
    const from = new Date(producedAt + 5000).toISOString()
    const consumed = await sluice('consume', 'cli-events', '-p', '0', '--from-time', from, '-n', '2')
    expect(consumed.code).toBe(0)
    expect(consumed.stdout).toBe('e5\ne6\n')
  })

  it('deletes a group', async () => {
    const deleted = await sluice('groups', 'delete', 'cli-idle')
    expect(deleted.code).toBe(0)
    expect(deleted.stdout).toBe('deleted group cli-idle\n')
    expect((await admin.listGroups()).map((g) => g.groupId)).not.toContain('cli-idle')
  })
})
