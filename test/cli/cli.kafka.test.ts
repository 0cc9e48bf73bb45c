import { expect, it } from 'vitest'
import { describeEachTarget } from '../kafka/targets.js'
import { runCli } from './support/run-cli.js'

/**
 * The everyday commands against Apache Kafka, the reference: the same
 * commands the embedded-broker tests run, in one scenario, to show nothing
 * in them depends on the embedded broker.
 */
describeEachTarget('sluice client commands', { targets: ['kafka'] }, (target) => {
  const sluice = (args: string[], input?: string) =>
    runCli([...args, '--brokers', target().bootstrap], { input, timeoutMs: 60_000 })

  it('creates, fills, reads, describes and resets, then deletes', async () => {
    const created = await sluice([
      'topics',
      'create',
      'cli-kafka',
      '-p',
      '2',
      '-r',
      '1',
      '--config',
      'retention.ms=3600000',
      '--json',
    ])
    expect(created.stderr).toBe('')
    expect(JSON.parse(created.stdout)).toMatchObject({
      topic: 'cli-kafka',
      created: true,
      partitions: 2,
      replicationFactor: 1,
    })

    const lines = Array.from({ length: 20 }, (_, i) => `src=kafka|key-${i % 4}:value-${i}`).join('\n')
    const produced = await sluice(
      ['produce', 'cli-kafka', '-K', ':', '--header-separator', '|', '--json'],
      lines,
    )
    expect(JSON.parse(produced.stdout)).toMatchObject({ records: 20, errors: 0 })

    const consumed = await sluice([
      'consume',
      'cli-kafka',
      '-g',
      'cli-kafka-group',
      '--from',
      'beginning',
      '-n',
      '20',
      '--format',
      'json',
    ])
    expect(consumed.code).toBe(0)
    const records = consumed.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(records.map((r) => r.value).sort()).toEqual(
      Array.from({ length: 20 }, (_, i) => `value-${i}`).sort(),
    )
    expect(records[0].headers).toEqual([['src', 'kafka']])

    const described = await sluice(['topics', 'describe', 'cli-kafka', '--json'])
    const [topic] = JSON.parse(described.stdout)
    expect(topic.configs).toEqual({ 'retention.ms': '3600000' })
    expect(topic.partitions.reduce((n: number, p: { latestOffset: number }) => n + p.latestOffset, 0)).toBe(
      20,
    )

    const group = JSON.parse((await sluice(['groups', 'describe', 'cli-kafka-group', '--json'])).stdout)
    expect(group).toMatchObject({ state: 'Empty', totalLag: 0 })
    expect(group.partitions).toHaveLength(2)

    const reset = await sluice([
      'groups',
      'reset-offsets',
      'cli-kafka-group',
      '-t',
      'cli-kafka',
      '--to',
      'earliest',
      '--json',
    ])
    expect(reset.code).toBe(0)
    const lag = JSON.parse((await sluice(['groups', 'describe', 'cli-kafka-group', '--json'])).stdout)
    expect(lag.totalLag).toBe(20)

    expect((await sluice(['groups', 'delete', 'cli-kafka-group'])).code).toBe(0)
    expect((await sluice(['topics', 'delete', 'cli-kafka'])).code).toBe(0)
    const listed = JSON.parse((await sluice(['topics', 'list', '--json'])).stdout)
    expect(listed.map((t: { topic: string }) => t.topic)).not.toContain('cli-kafka')
  })
})
