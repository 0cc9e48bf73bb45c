import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  GroupCoordinator,
  type GroupCoordinatorOptions,
} from '../../../src/broker/groups/group-coordinator.js'
import { groupLogDir, openGroupLog } from '../../../src/broker/groups/group-log.js'
import type { FsyncPolicy } from '../../../src/broker/log/partition-log.js'
import { silentLogger } from '../../../src/broker/logger.js'
import { ErrorCode } from '../../../src/protocol/error-codes.js'
import { ManualClock } from '../log/support/manual-clock.js'
import {
  drain,
  type Harness,
  joinRequest,
  SESSION_MS,
  stableGroup,
  syncRequest,
  track,
} from './support/coordinator-harness.js'

let dataDir: string

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'sluice-groups-'))
})
afterEach(() => {
  rmSync(dataDir, { recursive: true, force: true })
})

async function open(
  options: Partial<GroupCoordinatorOptions> = {},
  clock = new ManualClock(),
): Promise<Harness> {
  const coordinator = new GroupCoordinator(
    {
      initialRebalanceDelayMs: 0,
      minSessionTimeoutMs: 6000,
      maxSessionTimeoutMs: 1_800_000,
      offsetMetadataMaxBytes: 4096,
      dataDir,
      fsync: 'interval',
      flushIntervalMs: 1000,
      ...options,
    },
    clock,
    silentLogger,
  )
  await coordinator.load()
  return { clock, coordinator }
}

function commit(
  h: Harness,
  groupId: string,
  partition: number,
  value: bigint,
  more: { generationId?: number; memberId?: string } = {},
) {
  return h.coordinator.commitOffsets({
    groupId,
    generationId: more.generationId ?? -1,
    memberId: more.memberId ?? '',
    groupInstanceId: null,
    offsets: [{ topic: 't', partition, offset: value, leaderEpoch: 4, metadata: `m${value}` }],
  })
}

function committed(h: Harness, groupId: string, partitions: number[]) {
  return h.coordinator
    .fetchOffsets(groupId, [{ name: 't', partitions }])
    .topics[0].partitions.map((p) => p.offset)
}

const logPath = () => join(groupLogDir(dataDir), 'offsets.log')
const snapshotPath = () => join(groupLogDir(dataDir), 'snapshot.json')

describe('group coordinator persistence', () => {
  it('keeps committed offsets, their metadata and epochs, and group generations across a restart', async () => {
    const first = await open()
    await commit(first, 'standalone', 0, 11n)
    const { generationId, leader, memberIds } = await stableGroup(first, 2, 'members')
    await commit(first, 'members', 1, 22n, { generationId, memberId: leader })
    await first.coordinator.close()

    const second = await open()
    expect(committed(second, 'standalone', [0, 1])).toEqual([11n, -1n])
    const fetched = second.coordinator.fetchOffsets('members', null)
    expect(fetched.topics[0].partitions).toEqual([
      { partition: 1, offset: 22n, leaderEpoch: 4, metadata: 'm22', errorCode: 0 },
    ])
    const described = second.coordinator.describeGroup('members')
    expect(described).toMatchObject({ state: 'Stable', protocolType: 'consumer', protocolName: 'range' })
    expect(described.members.map((m) => [m.memberId, m.assignment.toString()])).toEqual(
      memberIds.map((id) => [id, `assignment-${id}`]),
    )
    // the members carry on in their generation as if nothing happened
    expect(
      second.coordinator.heartbeat({
        groupId: 'members',
        generationId,
        memberId: leader,
        groupInstanceId: null,
      }),
    ).toBe(0)
    const sync = await second.coordinator.syncGroup(
      syncRequest({ groupId: 'members', generationId, memberId: memberIds[1] }),
    )
    expect(sync.assignment.toString()).toBe(`assignment-${memberIds[1]}`)
    await second.coordinator.close()
  })

  it('expires reloaded members that never come back, leaving an Empty group with its offsets', async () => {
    const first = await open()
    const { generationId, leader } = await stableGroup(first, 1, 'members')
    await commit(first, 'members', 0, 5n, { generationId, memberId: leader })
    await first.coordinator.close()
    const second = await open()
    second.clock.advance(SESSION_MS)
    expect(second.coordinator.describeGroup('members').state).toBe('Empty')
    await second.coordinator.close()
    const third = await open()
    expect(third.coordinator.describeGroup('members')).toMatchObject({ state: 'Empty', members: [] })
    expect(committed(third, 'members', [0])).toEqual([5n])
    await third.coordinator.close()
  })

  it('keeps nothing in memory mode', async () => {
    const clock = new ManualClock()
    const memory = new GroupCoordinator(
      {
        initialRebalanceDelayMs: 0,
        minSessionTimeoutMs: 6000,
        maxSessionTimeoutMs: 1_800_000,
        offsetMetadataMaxBytes: 4096,
        dataDir: undefined,
        fsync: 'always',
        flushIntervalMs: 1000,
      },
      clock,
      silentLogger,
    )
    await memory.load()
    await memory.commitOffsets({
      groupId: 'g',
      generationId: -1,
      memberId: '',
      groupInstanceId: null,
      offsets: [{ topic: 't', partition: 0, offset: 1n, leaderEpoch: -1, metadata: null }],
    })
    await memory.close()
    expect(() => statSync(groupLogDir(dataDir))).toThrow()
  })

  it('writes each commit to the log before answering, so an unclean stop loses nothing', async () => {
    const first = await open({ fsync: 'never' })
    for (let i = 0; i < 20; i++) await commit(first, 'g', i % 3, BigInt(i))
    const { generationId, leader } = await stableGroup(first, 1, 'members')
    // no close: the process "dies" here, with the log as the OS has it
    const second = await open({ fsync: 'never' })
    expect(committed(second, 'g', [0, 1, 2])).toEqual([18n, 19n, 17n])
    expect(second.coordinator.describeGroup('members')).toMatchObject({ state: 'Stable' })
    expect(
      second.coordinator.heartbeat({
        groupId: 'members',
        generationId,
        memberId: leader,
        groupInstanceId: null,
      }),
    ).toBe(0)
    await second.coordinator.close()
    await first.coordinator.close()
  })

  it('does not bring back a group deleted before the restart', async () => {
    const first = await open()
    await commit(first, 'doomed', 0, 1n)
    await commit(first, 'kept', 0, 2n)
    expect(first.coordinator.deleteGroups(['doomed'])[0].errorCode).toBe(0)
    const second = await open()
    expect(second.coordinator.listGroups([]).groups.map((g) => g.groupId)).toEqual(['kept'])
    expect(committed(second, 'doomed', [0])).toEqual([-1n])
    await second.coordinator.close()
    await first.coordinator.close()
  })

  it('cuts off a torn last record and keeps appending after the good ones', async () => {
    const first = await open()
    await commit(first, 'g', 0, 1n)
    await commit(first, 'g', 1, 2n)
    const good = statSync(logPath()).size
    // half of a third record: a crash in the middle of a write
    appendFileSync(logPath(), Buffer.from([0, 0, 0, 200, 1, 2, 3, 4, 123, 34]))
    const second = await open()
    expect(statSync(logPath()).size).toBe(good)
    expect(committed(second, 'g', [0, 1])).toEqual([1n, 2n])
    await commit(second, 'g', 2, 3n)
    const third = await open()
    expect(committed(third, 'g', [0, 1, 2])).toEqual([1n, 2n, 3n])
    await third.coordinator.close()
    await second.coordinator.close()
    await first.coordinator.close()
  })

  it('stops reading at a record whose checksum does not match', async () => {
    const first = await open()
    await commit(first, 'g', 0, 1n)
    const afterFirst = statSync(logPath()).size
    await commit(first, 'g', 1, 2n)
    const bytes = readFileSync(logPath())
    bytes[afterFirst + 12] ^= 0xff
    writeFileSync(logPath(), bytes)
    const second = await open()
    expect(committed(second, 'g', [0, 1])).toEqual([1n, -1n])
    await second.coordinator.close()
    await first.coordinator.close()
  })

  it('compacts the log into a snapshot once it grows, and loads the same state from it', async () => {
    const first = await open({ compactionBytes: 2048 })
    for (let i = 0; i < 200; i++) await commit(first, `g${i % 4}`, i % 5, BigInt(i))
    expect(statSync(snapshotPath()).size).toBeGreaterThan(0)
    expect(statSync(logPath()).size).toBeLessThan(4096)
    const second = await open({ compactionBytes: 2048 })
    for (let g = 0; g < 4; g++) {
      const expected = [0, 1, 2, 3, 4].map((p) => {
        let last = -1n
        for (let i = 0; i < 200; i++) if (i % 4 === g && i % 5 === p) last = BigInt(i)
        return last
      })
      expect(committed(second, `g${g}`, [0, 1, 2, 3, 4])).toEqual(expected)
    }
    await second.coordinator.close()
    await first.coordinator.close()
  })

  it('gives the same state when a crash left the log un-emptied after its snapshot', async () => {
    const first = await open()
    await commit(first, 'a', 0, 1n)
    const { generationId, leader } = await stableGroup(first, 1, 'members')
    await commit(first, 'members', 0, 7n, { generationId, memberId: leader })
    await commit(first, 'doomed', 0, 3n)
    first.coordinator.deleteGroups(['doomed'])
    await commit(first, 'a', 0, 2n)
    const log = readFileSync(logPath())
    // a clean close writes the snapshot and empties the log; put the log back as if the truncation was lost
    await first.coordinator.close()
    expect(statSync(logPath()).size).toBe(0)
    writeFileSync(logPath(), log)
    const second = await open()
    expect(committed(second, 'a', [0])).toEqual([2n])
    expect(committed(second, 'members', [0])).toEqual([7n])
    expect(committed(second, 'doomed', [0])).toEqual([-1n])
    expect(
      second.coordinator
        .listGroups([])
        .groups.map((g) => g.groupId)
        .sort(),
    ).toEqual(['a', 'members'])
    expect(second.coordinator.describeGroup('members').state).toBe('Stable')
    await second.coordinator.close()
  })

  it('restores a group as of its last completed generation, not a rebalance in progress', async () => {
    const first = await open()
    const { generationId, memberIds } = await stableGroup(first, 2, 'members')
    // a third member starts a rebalance that never completes before the crash
    track(first.coordinator.joinGroup(joinRequest({ groupId: 'members' })))
    await drain()
    expect(first.coordinator.describeGroup('members').state).toBe('PreparingRebalance')
    const second = await open()
    const described = second.coordinator.describeGroup('members')
    expect(described.state).toBe('Stable')
    expect(described.members.map((m) => m.memberId)).toEqual(memberIds)
    expect(
      second.coordinator.heartbeat({
        groupId: 'members',
        generationId,
        memberId: memberIds[0],
        groupInstanceId: null,
      }),
    ).toBe(0)
    await second.coordinator.close()
    await first.coordinator.close()
  })
})

describe('group log fsync policy', () => {
  function openLog(fsync: FsyncPolicy, fsyncFd: (fd: number) => Promise<void>, clock = new ManualClock()) {
    return openGroupLog({
      dir: groupLogDir(dataDir),
      fsync,
      flushIntervalMs: 1000,
      clock,
      logger: silentLogger,
      fsyncFd,
    })
  }
  const record = (i: number) => ({
    type: 'offsets' as const,
    groupId: 'g',
    offsets: [
      { topic: 't', partition: 0, offset: String(i), leaderEpoch: -1, metadata: '', commitTimestamp: 0 },
    ],
  })

  it("fsyncs at once under 'always', on the timer under 'interval', and never under 'never'", async () => {
    for (const [policy, expectedAtOnce, expectedAfterTimer] of [
      ['always', 1, 1],
      ['interval', 0, 1],
      ['never', 0, 0],
    ] as const) {
      let syncs = 0
      const clock = new ManualClock()
      const { log } = openLog(
        policy,
        async () => {
          syncs++
        },
        clock,
      )
      log.append(record(1))
      await drain()
      expect(syncs, policy).toBe(expectedAtOnce)
      clock.advance(1000)
      await drain()
      expect(syncs, policy).toBe(expectedAfterTimer)
      await log.close({ format: 1, groups: [], offsets: [] })
      rmSync(groupLogDir(dataDir), { recursive: true, force: true })
    }
  })

  it('refuses appends after an fsync failed', async () => {
    const { log } = openLog('always', async () => {
      throw Object.assign(new Error('EIO: disk on fire'), { code: 'EIO' })
    })
    log.append(record(1))
    await expect(log.flush()).rejects.toThrow(/disk on fire/)
    expect(() => log.append(record(2))).toThrow(/fsync failure/)
    await expect(log.close({ format: 1, groups: [], offsets: [] })).rejects.toThrow(/disk on fire/)
  })

  it("answers an OffsetCommit only after its fsync under 'always', and NOT_COORDINATOR when the fsync fails", async () => {
    let release: () => void = () => {}
    let fail = false
    const h = await open({
      fsync: 'always',
      fsyncFd: () =>
        new Promise<void>((resolve, reject) => {
          release = () => (fail ? reject(new Error('EIO: disk on fire')) : resolve())
        }),
    })
    const pending = track(commit(h, 'g', 0, 1n))
    await drain()
    expect(pending.settled).toBe(false)
    release()
    await drain()
    expect(pending.value).toEqual([0])
    fail = true
    const failing = track(commit(h, 'g', 0, 2n))
    await drain()
    release()
    await drain()
    expect(failing.value).toEqual([ErrorCode.NOT_COORDINATOR])
    // the log is out of service from then on
    expect(await commit(h, 'g', 0, 3n)).toEqual([ErrorCode.NOT_COORDINATOR])
    expect(h.coordinator.deleteGroups(['g'])[0].errorCode).toBe(ErrorCode.NOT_COORDINATOR)
    await expect(h.coordinator.close()).rejects.toThrow(/disk on fire/)
  })
})
