import { describe, expect, it } from 'vitest'
import type { CommitRequest, OffsetToCommit } from '../../../src/broker/groups/coordinator-requests.js'
import { ErrorCode } from '../../../src/protocol/error-codes.js'
import {
  drain,
  type Harness,
  joinRequest,
  stableGroup,
  startCoordinator,
  syncRequest,
  track,
} from './support/coordinator-harness.js'

function offset(partition: number, value: bigint, more: Partial<OffsetToCommit> = {}): OffsetToCommit {
  return { topic: 'orders', partition, offset: value, leaderEpoch: -1, metadata: null, ...more }
}

function commit(h: Harness, request: Partial<CommitRequest>): Promise<number[]> {
  return h.coordinator.commitOffsets({
    groupId: 'g',
    generationId: -1,
    memberId: '',
    groupInstanceId: null,
    offsets: [offset(0, 10n)],
    ...request,
  })
}

describe('GroupCoordinator: committed offsets', () => {
  it('round-trips offset, leader epoch and metadata, and answers -1 with no error where nothing was committed', async () => {
    const h = await startCoordinator()
    const results = await commit(h, {
      offsets: [
        offset(0, 42n, { leaderEpoch: 3, metadata: 'processed by worker 7' }),
        offset(2, 9_007_199_254_740_993n),
      ],
    })
    expect(results).toEqual([0, 0])
    const fetched = h.coordinator.fetchOffsets('g', [
      { name: 'orders', partitions: [0, 1, 2] },
      { name: 'other', partitions: [5] },
    ])
    expect(fetched).toEqual({
      errorCode: 0,
      topics: [
        {
          topic: 'orders',
          partitions: [
            { partition: 0, offset: 42n, leaderEpoch: 3, metadata: 'processed by worker 7', errorCode: 0 },
            { partition: 1, offset: -1n, leaderEpoch: -1, metadata: '', errorCode: 0 },
            // int64 offsets beyond 2^53 survive exactly
            { partition: 2, offset: 9_007_199_254_740_993n, leaderEpoch: -1, metadata: '', errorCode: 0 },
          ],
        },
        {
          topic: 'other',
          partitions: [{ partition: 5, offset: -1n, leaderEpoch: -1, metadata: '', errorCode: 0 }],
        },
      ],
    })
    // an unknown group fetches like a group without commits
    expect(
      h.coordinator.fetchOffsets('unknown', [{ name: 'orders', partitions: [0] }]).topics[0].partitions[0]
        .offset,
    ).toBe(-1n)
  })

  it('lists every committed partition when the topics are null, and nothing for an unknown group', async () => {
    const h = await startCoordinator()
    await commit(h, { offsets: [offset(3, 1n), offset(1, 2n), { ...offset(0, 5n), topic: 'audit' }] })
    await commit(h, { offsets: [offset(1, 7n)] })
    const all = h.coordinator.fetchOffsets('g', null)
    expect(all.topics.map((t) => [t.topic, t.partitions.map((p) => [p.partition, p.offset])])).toEqual([
      [
        'orders',
        [
          [1, 7n],
          [3, 1n],
        ],
      ],
      ['audit', [[0, 5n]]],
    ])
    expect(h.coordinator.fetchOffsets('nobody', null)).toEqual({ errorCode: 0, topics: [] })
  })

  it('creates an Empty group for a standalone commit (generation -1, no member id)', async () => {
    const h = await startCoordinator()
    expect(await commit(h, {})).toEqual([0])
    expect(h.coordinator.describeGroup('g')).toMatchObject({ state: 'Empty', protocolType: '', members: [] })
    expect(h.coordinator.listGroups([]).groups).toEqual([{ groupId: 'g', protocolType: '', state: 'Empty' }])
    // the empty group id is allowed for offsets, as Kafka allows it for old clients
    expect(await commit(h, { groupId: '' })).toEqual([0])
  })

  it('refuses a commit with a generation for a group that does not exist', async () => {
    const h = await startCoordinator()
    expect(await commit(h, { generationId: 3, memberId: 'm' })).toEqual([ErrorCode.ILLEGAL_GENERATION])
  })

  it('validates commits from an active group against its generation and members', async () => {
    const h = await startCoordinator()
    const { generationId, memberIds } = await stableGroup(h, 2)
    const [a] = memberIds
    expect(await commit(h, { generationId, memberId: a })).toEqual([0])
    expect(await commit(h, { generationId: generationId + 1, memberId: a })).toEqual([
      ErrorCode.ILLEGAL_GENERATION,
    ])
    expect(await commit(h, { generationId, memberId: 'ghost' })).toEqual([ErrorCode.UNKNOWN_MEMBER_ID])
    // a standalone commit would overwrite the members' progress
    expect(await commit(h, {})).toEqual([ErrorCode.UNKNOWN_MEMBER_ID])
    // while a rebalance is being prepared the current generation may still commit
    track(h.coordinator.joinGroup(joinRequest()))
    expect(await commit(h, { generationId, memberId: a })).toEqual([0])
  })

  it('answers REBALANCE_IN_PROGRESS to commits between a join and the assignment', async () => {
    const h = await startCoordinator()
    const a = track(h.coordinator.joinGroup(joinRequest()))
    h.clock.advance(0)
    await drain()
    expect(await commit(h, { generationId: 1, memberId: a.value.memberId })).toEqual([
      ErrorCode.REBALANCE_IN_PROGRESS,
    ])
    await h.coordinator.syncGroup(syncRequest({ memberId: a.value.memberId }))
    expect(await commit(h, { generationId: 1, memberId: a.value.memberId })).toEqual([0])
  })

  it('accepts standalone commits again once the group has no members', async () => {
    const h = await startCoordinator()
    const { memberIds } = await stableGroup(h, 1)
    h.coordinator.leaveGroup('g', [{ memberId: memberIds[0], groupInstanceId: null }])
    expect(await commit(h, {})).toEqual([0])
    expect(await commit(h, { generationId: 1, memberId: memberIds[0] })).toEqual([
      ErrorCode.UNKNOWN_MEMBER_ID,
    ])
  })

  it('refuses only the partitions whose metadata is too long', async () => {
    const h = await startCoordinator({ offsetMetadataMaxBytes: 8 })
    const results = await commit(h, {
      offsets: [offset(0, 1n, { metadata: '12345678' }), offset(1, 1n, { metadata: '123456789' })],
    })
    expect(results).toEqual([0, ErrorCode.OFFSET_METADATA_TOO_LARGE])
    const fetched = h.coordinator.fetchOffsets('g', [{ name: 'orders', partitions: [0, 1] }])
    expect(fetched.topics[0].partitions.map((p) => p.offset)).toEqual([1n, -1n])
  })

  it('keeps the session of a member that commits', async () => {
    const h = await startCoordinator()
    const { generationId, memberIds } = await stableGroup(h, 1)
    for (let t = 0; t < 5; t++) {
      h.clock.advance(9000)
      expect(await commit(h, { generationId, memberId: memberIds[0] })).toEqual([0])
    }
    expect(h.coordinator.describeGroup('g').state).toBe('Stable')
  })
})

describe('GroupCoordinator: describe, list and delete', () => {
  it('describes a Stable group with subscriptions and assignments, and hides them otherwise', async () => {
    const h = await startCoordinator()
    const { leader, memberIds } = await stableGroup(h, 2)
    const stable = h.coordinator.describeGroup('g')
    expect(stable).toMatchObject({
      errorCode: 0,
      groupId: 'g',
      state: 'Stable',
      protocolType: 'consumer',
      protocolName: 'range',
    })
    expect(
      stable.members.map((m) => [m.memberId, m.clientHost, m.metadata.toString(), m.assignment.toString()]),
    ).toEqual(memberIds.map((id) => [id, '/127.0.0.1', 'subscription-for-range', `assignment-${id}`]))
    expect(stable.members.map((m) => m.clientId).sort()).toEqual(['c0', 'c1'])
    track(h.coordinator.joinGroup(joinRequest({ memberId: leader })))
    const preparing = h.coordinator.describeGroup('g')
    expect(preparing).toMatchObject({ state: 'PreparingRebalance', protocolName: '' })
    expect(preparing.members.every((m) => m.metadata.length === 0 && m.assignment.length === 0)).toBe(true)
    expect(h.coordinator.describeGroup('missing')).toEqual({
      errorCode: 0,
      groupId: 'missing',
      state: 'Dead',
      protocolType: '',
      protocolName: '',
      members: [],
    })
  })

  it('lists groups filtered by state names without regard to case', async () => {
    const h = await startCoordinator()
    await stableGroup(h, 1, 'busy')
    await commit(h, { groupId: 'idle' })
    const names = (states: string[]) =>
      h.coordinator
        .listGroups(states)
        .groups.map((g) => g.groupId)
        .sort()
    expect(names([])).toEqual(['busy', 'idle'])
    expect(names(['stable'])).toEqual(['busy'])
    expect(names(['EMPTY', 'Dead'])).toEqual(['idle'])
    expect(names(['PreparingRebalance'])).toEqual([])
    expect(h.coordinator.listGroups(['Stable']).groups).toEqual([
      { groupId: 'busy', protocolType: 'consumer', state: 'Stable' },
    ])
  })

  it('deletes only groups without members, with their offsets', async () => {
    const h = await startCoordinator()
    await stableGroup(h, 1, 'busy')
    await commit(h, { groupId: 'idle', offsets: [offset(0, 5n)] })
    expect(h.coordinator.deleteGroups(['busy', 'idle', 'missing'])).toEqual([
      { groupId: 'busy', errorCode: ErrorCode.NON_EMPTY_GROUP },
      { groupId: 'idle', errorCode: ErrorCode.NONE },
      { groupId: 'missing', errorCode: ErrorCode.GROUP_ID_NOT_FOUND },
    ])
    expect(h.coordinator.describeGroup('idle').state).toBe('Dead')
    expect(
      h.coordinator.fetchOffsets('idle', [{ name: 'orders', partitions: [0] }]).topics[0].partitions[0]
        .offset,
    ).toBe(-1n)
    expect(h.coordinator.deleteGroups(['idle'])).toEqual([
      { groupId: 'idle', errorCode: ErrorCode.GROUP_ID_NOT_FOUND },
    ])
    expect(h.coordinator.listGroups([]).groups.map((g) => g.groupId)).toEqual(['busy'])
  })

  it('forgets Empty groups that hold no offsets at the periodic cleanup, and keeps those that do', async () => {
    const h = await startCoordinator()
    const { memberIds } = await stableGroup(h, 1, 'left')
    h.coordinator.leaveGroup('left', [{ memberId: memberIds[0], groupInstanceId: null }])
    await commit(h, { groupId: 'kept' })
    expect(
      h.coordinator
        .listGroups([])
        .groups.map((g) => g.groupId)
        .sort(),
    ).toEqual(['kept', 'left'])
    h.clock.advance(10 * 60 * 1000)
    expect(h.coordinator.listGroups([]).groups.map((g) => g.groupId)).toEqual(['kept'])
  })
})
