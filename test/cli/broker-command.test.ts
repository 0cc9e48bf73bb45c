import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Apis } from '../../src/protocol/messages/index.js'
import { WireClient } from '../broker/support/wire-client.js'
import { type BrokerProcess, spawnBroker } from '../support/broker-process.js'

describe('sluice broker', () => {
  let broker: BrokerProcess | undefined

  afterEach(() => {
    broker?.child.kill('SIGKILL')
  })

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`prints where it listens, serves clients, and exits 0 on ${signal}`, async () => {
      broker = await spawnBroker([
        '--log-level',
        'info',
        '--partitions',
        '2',
        '--group-initial-rebalance-delay-ms',
        '0',
      ])
      expect(broker.bootstrap).toMatch(/^127\.0\.0\.1:\d+$/)
      const client = await WireClient.connect(broker.bootstrap)
      const meta = await client.send(Apis.Metadata, 12, {
        topics: [{ name: 'cli', topicId: '00000000-0000-0000-0000-000000000000' }],
      })
      expect(meta.topics[0].partitions).toHaveLength(2)
      broker.child.kill(signal)
      expect(await broker.exited).toBe(0)
      expect(broker.stderr()).toMatch(/broker stopped/)
      await client.close()
    })
  }

  it('rejects a bad option with its name', async () => {
    await expect(spawnBroker(['--port', 'abc'], 10_000)).rejects.toThrow(
      /--port must be a non-negative integer/,
    )
  })
})

describe('sluice broker --data-dir', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sluice-cli-data-dir-'))
  })
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true })
  })

  const failureOf = async (dataDir: string) => {
    const failure = await spawnBroker(['--data-dir', dataDir], 15_000).then(
      () => new Error('the broker started'),
      (err: Error) => err,
    )
    // one line naming the option, no stack trace
    expect(failure.message).not.toMatch(/\n\s+at /)
    return failure.message
  }

  it('that is a regular file fails in one line naming the option', async () => {
    const file = join(dir, 'not-a-dir')
    writeFileSync(file, 'x')
    expect(await failureOf(file)).toContain(
      `error: invalid broker option dataDir: cannot use ${file}: it is a file, not a directory`,
    )
  })

  it('that cannot be created fails in one line naming the option', async () => {
    const file = join(dir, 'file')
    writeFileSync(file, 'x')
    const below = join(file, 'data')
    expect(await failureOf(below)).toContain(
      `error: invalid broker option dataDir: cannot use ${below}: part of the path is a file, not a directory`,
    )
  })
})

describe('sluice broker --memory-budget-bytes', () => {
  let broker: BrokerProcess | undefined
  afterEach(() => {
    broker?.child.kill('SIGKILL')
  })

  it('sets the memory budget, reported in the start line', async () => {
    broker = await spawnBroker(['--log-level', 'info', '--memory-budget-bytes', '64MiB'])
    expect(broker.stderr()).toContain('in memory, memory budget 64 MiB')
  })

  it('rejects a value that is not a size, with its name', async () => {
    await expect(spawnBroker(['--memory-budget-bytes', 'lots'], 10_000)).rejects.toThrow(
      /--memory-budget-bytes must be bytes/,
    )
    await expect(spawnBroker(['--memory-budget-bytes', '1000'], 10_000)).rejects.toThrow(
      /invalid broker option memoryBudgetBytes/,
    )
  })
})
