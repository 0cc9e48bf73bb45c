import { describe, expect, it } from 'vitest'
import { GroupCoordinator } from '../../../src/broker/groups/group-coordinator.js'
import { silentLogger } from '../../../src/broker/logger.js'
import { ErrorCode } from '../../../src/protocol/error-codes.js'
import { ManualClock } from '../log/support/manual-clock.js'
import {
  drain,
  type Harness,
  joinRequest,
  protocols,
  REBALANCE_MS,
  SESSION_MS,
  stableGroup,
  startCoordinator,
  syncRequest,
  track,
} from './support/coordinator-harness.js'

function beat(h: Harness, memberId: string, generationId = 1, groupInstanceId: string | null = null) {
  return h.coordinator.heartbeat({ groupId: 'g', generationId, memberId, groupInstanceId })
}

describe('GroupCoordinator: heartbeats and sessions', () => {
  it('answers heartbeats by state: NONE when Stable or CompletingRebalance, REBALANCE_IN_PROGRESS while preparing one', async () => {
    const h = await startCoordinator()
    const a = track(h.coordinator.joinGroup(joinRequest()))
    h.clock.advance(0)
    await drain()
    const id = a.value.memberId
    expect(h.coordinator.describeGroup('g').state).toBe('CompletingRebalance')
    expect(beat(h, id)).toBe(ErrorCode.NONE)
    await h.coordinator.syncGroup(syncRequest({ memberId: id }))
    expect(beat(h, id)).toBe(ErrorCode.NONE)
    track(h.coordinator.joinGroup(joinRequest()))
    expect(beat(h, id)).toBe(ErrorCode.REBALANCE_IN_PROGRESS)
  })

  it('answers ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID and INVALID_GROUP_ID', async () => {
    const h = await startCoordinator()
    const { memberIds } = await stableGroup(h, 1)
    expect(beat(h, memberIds[0], 0)).toBe(ErrorCode.ILLEGAL_GENERATION)
    expect(beat(h, memberIds[0], 2)).toBe(ErrorCode.ILLEGAL_GENERATION)
    expect(beat(h, 'stranger')).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
    expect(
      h.coordinator.heartbeat({ groupId: 'nope', generationId: 1, memberId: 'x', groupInstanceId: null }),
    ).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
    expect(
      h.coordinator.heartbeat({ groupId: '', generationId: 1, memberId: 'x', groupInstanceId: null }),
    ).toBe(ErrorCode.INVALID_GROUP_ID)
  })

  it('removes a member whose session expires and rebalances the others', async () => {
    const h = await startCoordinator()
    const { memberIds } = await stableGroup(h, 2)
    const [a, b] = memberIds
    // a keeps heartbeating, b goes silent
    h.clock.advance(SESSION_MS - 1)
    expect(beat(h, a)).toBe(ErrorCode.NONE)
    expect(h.coordinator.describeGroup('g').state).toBe('Stable')
    h.clock.advance(1)
    expect(h.coordinator.describeGroup('g').state).toBe('PreparingRebalance')
    expect(h.coordinator.describeGroup('g').members.map((m) => m.memberId)).toEqual([a])
    expect(beat(h, a)).toBe(ErrorCode.REBALANCE_IN_PROGRESS)
    expect(beat(h, b)).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
    const rejoin = await h.coordinator.joinGroup(joinRequest({ memberId: a }))
    expect(rejoin).toMatchObject({ errorCode: 0, generationId: 2, leader: a })
  })

  it('leaves the group Empty, with a new generation, when its last member expires', async () => {
    const h = await startCoordinator()
    await stableGroup(h, 1)
    h.clock.advance(SESSION_MS)
    const described = h.coordinator.describeGroup('g')
    expect(described.state).toBe('Empty')
    expect(described.members).toEqual([])
    expect(h.coordinator.listGroups([]).groups).toEqual([
      { groupId: 'g', protocolType: 'consumer', state: 'Empty' },
    ])
  })

  it('does not expire members while their JoinGroup waits in a rebalance', async () => {
    const h = await startCoordinator()
    const { memberIds } = await stableGroup(h, 2)
    const [a, b] = memberIds
    const aRejoin = track(h.coordinator.joinGroup(joinRequest({ memberId: a })))
    // b heartbeats; a sends nothing more but waits in its join longer than its session
    for (let t = 0; t < 3; t++) {
      h.clock.advance(5000)
      beat(h, b)
    }
    expect(h.coordinator.describeGroup('g').members.map((m) => m.memberId)).toContain(a)
    const bRejoin = track(h.coordinator.joinGroup(joinRequest({ memberId: b })))
    await drain()
    expect(aRejoin.value.generationId).toBe(2)
    expect(bRejoin.value.generationId).toBe(2)
  })

  it('drops members that never send SyncGroup within the rebalance timeout', async () => {
    const h = await startCoordinator()
    const a = track(h.coordinator.joinGroup(joinRequest()))
    const b = track(h.coordinator.joinGroup(joinRequest()))
    h.clock.advance(0)
    await drain()
    const [leader, follower] = [a.value.memberId, b.value.memberId]
    await h.coordinator.syncGroup(syncRequest({ memberId: leader }))
    // the follower heartbeats (so its session holds) but never syncs
    for (let t = 0; t < REBALANCE_MS / 5000 - 1; t++) {
      h.clock.advance(5000)
      expect(beat(h, follower)).toBe(ErrorCode.NONE)
      expect(beat(h, leader)).toBe(ErrorCode.NONE)
    }
    h.clock.advance(5000)
    expect(h.coordinator.describeGroup('g').state).toBe('PreparingRebalance')
    expect(beat(h, follower)).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
    expect(beat(h, leader)).toBe(ErrorCode.REBALANCE_IN_PROGRESS)
  })

  it('fails the waiting followers when the leader never sends its assignment', async () => {
    const h = await startCoordinator()
    const a = track(h.coordinator.joinGroup(joinRequest()))
    const b = track(h.coordinator.joinGroup(joinRequest()))
    h.clock.advance(0)
    await drain()
    const waiting = track(h.coordinator.syncGroup(syncRequest({ memberId: b.value.memberId })))
    // the leader stays alive but never assigns
    for (let t = 0; t < REBALANCE_MS / 5000 - 1; t++) {
      h.clock.advance(5000)
      expect(beat(h, a.value.memberId)).toBe(ErrorCode.NONE)
    }
    await drain()
    expect(waiting.settled).toBe(false)
    h.clock.advance(5000)
    await drain()
    expect(waiting.value.errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS)
    expect(h.coordinator.describeGroup('g').members.map((m) => m.memberId)).toEqual([b.value.memberId])
    expect(a.value.memberId).not.toBe(b.value.memberId)
  })
})

describe('GroupCoordinator: SyncGroup errors', () => {
  it('answers ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, REBALANCE_IN_PROGRESS and INCONSISTENT_GROUP_PROTOCOL', async () => {
    const h = await startCoordinator()
    const { memberIds } = await stableGroup(h, 2)
    const [a] = memberIds
    const sync = (o: Parameters<typeof syncRequest>[0]) => h.coordinator.syncGroup(syncRequest(o))
    expect((await sync({ memberId: a, generationId: 7 })).errorCode).toBe(ErrorCode.ILLEGAL_GENERATION)
    expect((await sync({ memberId: 'ghost' })).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
    expect((await sync({ groupId: 'nope', memberId: a })).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
    expect((await sync({ memberId: a, protocolName: 'roundrobin' })).errorCode).toBe(
      ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
    )
    expect((await sync({ memberId: a, protocolType: 'connect' })).errorCode).toBe(
      ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
    )
    const ok = await sync({ memberId: a, protocolType: 'consumer', protocolName: 'range' })
    expect(ok).toMatchObject({ errorCode: 0, protocolType: 'consumer', protocolName: 'range' })
    track(h.coordinator.joinGroup(joinRequest()))
    expect((await sync({ memberId: a })).errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS)
    expect((await sync({ groupId: '', memberId: a })).errorCode).toBe(ErrorCode.INVALID_GROUP_ID)
  })

  it('answers UNKNOWN_MEMBER_ID to a sync in an Empty group', async () => {
    const h = await startCoordinator()
    const { memberIds } = await stableGroup(h, 1)
    h.coordinator.leaveGroup('g', [{ memberId: memberIds[0], groupInstanceId: null }])
    expect(h.coordinator.describeGroup('g').state).toBe('Empty')
    const r = await h.coordinator.syncGroup(syncRequest({ memberId: memberIds[0], generationId: 2 }))
    expect(r.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
  })
})

describe('GroupCoordinator: LeaveGroup', () => {
  it('removes a member and rebalances the rest, with a new leader when the leader left', async () => {
    const h = await startCoordinator()
    const { leader, memberIds } = await stableGroup(h, 2)
    const result = h.coordinator.leaveGroup('g', [{ memberId: leader, groupInstanceId: null }])
    expect(result).toEqual({
      errorCode: 0,
      members: [{ memberId: leader, groupInstanceId: null, errorCode: 0 }],
    })
    expect(h.coordinator.describeGroup('g').state).toBe('PreparingRebalance')
    const rejoin = await h.coordinator.joinGroup(joinRequest({ memberId: memberIds[1] }))
    expect(rejoin).toMatchObject({ generationId: 2, leader: memberIds[1] })
  })

  it('answers a leaving member parked in JoinGroup, and completes the rebalance without it', async () => {
    const h = await startCoordinator()
    const { memberIds } = await stableGroup(h, 2)
    const [a, b] = memberIds
    const aJoin = track(h.coordinator.joinGroup(joinRequest({ memberId: a })))
    const bJoin = track(h.coordinator.joinGroup(joinRequest({ memberId: b, protocols: protocols('range') })))
    await drain()
    expect(aJoin.value.generationId).toBe(2)
    const cJoin = track(h.coordinator.joinGroup(joinRequest()))
    const aAgain = track(h.coordinator.joinGroup(joinRequest({ memberId: a })))
    h.coordinator.leaveGroup('g', [{ memberId: a, groupInstanceId: null }])
    await drain()
    expect(aAgain.value.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
    expect(bJoin.value.generationId).toBe(2)
    expect(cJoin.settled).toBe(false)
    const bRejoin = await h.coordinator.joinGroup(joinRequest({ memberId: b }))
    await drain()
    expect(bRejoin.generationId).toBe(3)
    expect(cJoin.value.generationId).toBe(3)
  })

  it('reports each member of a batch on its own and tells unknown groups and members apart', async () => {
    const h = await startCoordinator()
    const { memberIds } = await stableGroup(h, 2)
    const pending = await h.coordinator.joinGroup(joinRequest({ requireKnownMemberId: true }))
    const result = h.coordinator.leaveGroup('g', [
      { memberId: memberIds[1], groupInstanceId: null },
      { memberId: 'ghost', groupInstanceId: null },
      { memberId: pending.memberId, groupInstanceId: null },
      { memberId: '', groupInstanceId: null },
    ])
    expect(result.members.map((m) => m.errorCode)).toEqual([
      ErrorCode.NONE,
      ErrorCode.UNKNOWN_MEMBER_ID,
      ErrorCode.NONE,
      ErrorCode.UNKNOWN_MEMBER_ID,
    ])
    const unknownGroup = h.coordinator.leaveGroup('nope', [{ memberId: 'x', groupInstanceId: null }])
    expect(unknownGroup).toEqual({
      errorCode: 0,
      members: [{ memberId: 'x', groupInstanceId: null, errorCode: ErrorCode.UNKNOWN_MEMBER_ID }],
    })
    expect(h.coordinator.leaveGroup('', []).errorCode).toBe(ErrorCode.INVALID_GROUP_ID)
  })

  it('makes the group Empty when its last member leaves', async () => {
    const h = await startCoordinator()
    const { memberIds } = await stableGroup(h, 1)
    h.coordinator.leaveGroup('g', [{ memberId: memberIds[0], groupInstanceId: null }])
    expect(h.coordinator.describeGroup('g')).toMatchObject({
      state: 'Empty',
      protocolType: 'consumer',
      members: [],
    })
  })
})

describe('GroupCoordinator: static membership', () => {
  async function staticPair(h: Harness) {
    const a = track(
      h.coordinator.joinGroup(joinRequest({ groupInstanceId: 'instance-a', requireKnownMemberId: false })),
    )
    const b = track(h.coordinator.joinGroup(joinRequest({ groupInstanceId: 'instance-b' })))
    h.clock.advance(0)
    await drain()
    const leader = a.value.memberId
    await Promise.all([
      h.coordinator.syncGroup(
        syncRequest({
          memberId: leader,
          groupInstanceId: 'instance-a',
          assignments: new Map([
            [leader, Buffer.from('A')],
            [b.value.memberId, Buffer.from('B')],
          ]),
        }),
      ),
      h.coordinator.syncGroup(syncRequest({ memberId: b.value.memberId, groupInstanceId: 'instance-b' })),
    ])
    return { a: a.value.memberId, b: b.value.memberId }
  }

  it('admits a static member without MEMBER_ID_REQUIRED, its id starting with the instance id', async () => {
    const h = await startCoordinator()
    const a = track(
      h.coordinator.joinGroup(joinRequest({ groupInstanceId: 'i-1', requireKnownMemberId: false })),
    )
    h.clock.advance(0)
    await drain()
    expect(a.value.errorCode).toBe(0)
    expect(a.value.memberId).toMatch(/^i-1-/)
    expect(a.value.members[0].groupInstanceId).toBe('i-1')
  })

  it('replaces a restarted static member without a rebalance and fences the old id', async () => {
    const h = await startCoordinator()
    const { a, b } = await staticPair(h)
    const rejoin = await h.coordinator.joinGroup(
      joinRequest({ groupInstanceId: 'instance-b', clientId: 'restarted' }),
    )
    expect(rejoin.errorCode).toBe(0)
    expect(rejoin.memberId).not.toBe(b)
    expect(rejoin).toMatchObject({ generationId: 1, leader: a, members: [] })
    expect(h.coordinator.describeGroup('g').state).toBe('Stable')
    const sync = await h.coordinator.syncGroup(
      syncRequest({ memberId: rejoin.memberId, groupInstanceId: 'instance-b' }),
    )
    expect(sync.assignment).toEqual(Buffer.from('B'))
    expect(beat(h, b, 1, 'instance-b')).toBe(ErrorCode.FENCED_INSTANCE_ID)
    expect(beat(h, rejoin.memberId, 1, 'instance-b')).toBe(ErrorCode.NONE)
    expect(beat(h, a, 1, 'instance-z')).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
    const fencedCommit = await h.coordinator.commitOffsets({
      groupId: 'g',
      generationId: 1,
      memberId: b,
      groupInstanceId: 'instance-b',
      offsets: [{ topic: 't', partition: 0, offset: 1n, leaderEpoch: -1, metadata: null }],
    })
    expect(fencedCommit).toEqual([ErrorCode.FENCED_INSTANCE_ID])
    const fencedJoin = await h.coordinator.joinGroup(
      joinRequest({ memberId: b, groupInstanceId: 'instance-b' }),
    )
    expect(fencedJoin.errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID)
  })

  it('returns the old leader id to a restarted static leader so it does not assign', async () => {
    const h = await startCoordinator()
    const { a } = await staticPair(h)
    const rejoin = await h.coordinator.joinGroup(joinRequest({ groupInstanceId: 'instance-a' }))
    expect(rejoin.leader).toBe(a)
    expect(rejoin.memberId).not.toBe(a)
    // it is the leader all the same: the group's leader id moved with the instance
    expect(beat(h, rejoin.memberId, 1, 'instance-a')).toBe(ErrorCode.NONE)
    const sync = await h.coordinator.syncGroup(
      syncRequest({ memberId: rejoin.memberId, groupInstanceId: 'instance-a' }),
    )
    expect(sync.assignment).toEqual(Buffer.from('A'))
  })

  it('rebalances when a restarted static member changes which assignor wins', async () => {
    const h = await startCoordinator()
    const a = track(
      h.coordinator.joinGroup(joinRequest({ groupInstanceId: 'x', protocols: protocols('range', 'rr') })),
    )
    h.clock.advance(0)
    await drain()
    await h.coordinator.syncGroup(syncRequest({ memberId: a.value.memberId, groupInstanceId: 'x' }))
    const rejoin = track(
      h.coordinator.joinGroup(joinRequest({ groupInstanceId: 'x', protocols: protocols('rr', 'range') })),
    )
    await drain()
    expect(rejoin.value.generationId).toBe(2)
    expect(rejoin.value.protocolName).toBe('rr')
  })

  it('rebalances when a static member is replaced while the leader is assigning', async () => {
    const h = await startCoordinator()
    const a = track(h.coordinator.joinGroup(joinRequest({ groupInstanceId: 'instance-a' })))
    const b = track(h.coordinator.joinGroup(joinRequest({ groupInstanceId: 'instance-b' })))
    h.clock.advance(0)
    await drain()
    const waiting = track(
      h.coordinator.syncGroup(syncRequest({ memberId: b.value.memberId, groupInstanceId: 'instance-b' })),
    )
    const replacement = track(h.coordinator.joinGroup(joinRequest({ groupInstanceId: 'instance-b' })))
    await drain()
    // the old incarnation's parked sync is fenced
    expect(waiting.value.errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID)
    expect(h.coordinator.describeGroup('g').state).toBe('PreparingRebalance')
    const leaderRejoin = track(
      h.coordinator.joinGroup(joinRequest({ memberId: a.value.memberId, groupInstanceId: 'instance-a' })),
    )
    await drain()
    expect(leaderRejoin.value.generationId).toBe(2)
    expect(replacement.value.generationId).toBe(2)
  })

  it('keeps a static member that did not rejoin in the next generation, and expires it by session', async () => {
    const h = await startCoordinator()
    const { a, b } = await staticPair(h)
    track(h.coordinator.joinGroup(joinRequest({ groupInstanceId: 'instance-c' })))
    const aRejoin = track(
      h.coordinator.joinGroup(joinRequest({ memberId: a, groupInstanceId: 'instance-a' })),
    )
    // b stays alive but does not rejoin
    for (let t = 0; t < REBALANCE_MS / 5000; t++) {
      expect(beat(h, b, 1, 'instance-b')).toBe(ErrorCode.REBALANCE_IN_PROGRESS)
      h.clock.advance(5000)
    }
    await drain()
    expect(aRejoin.value.generationId).toBe(2)
    expect(aRejoin.value.members.map((m) => m.groupInstanceId)).toEqual([
      'instance-a',
      'instance-b',
      'instance-c',
    ])
    // b never heartbeats again: its session ends and the group rebalances without it
    h.clock.advance(SESSION_MS)
    const remaining = h.coordinator.describeGroup('g').members.map((m) => m.groupInstanceId)
    expect(remaining).not.toContain('instance-b')
  })

  it('removes a static member by instance id alone (LeaveGroup with an empty member id)', async () => {
    const h = await startCoordinator()
    await staticPair(h)
    const result = h.coordinator.leaveGroup('g', [
      { memberId: '', groupInstanceId: 'instance-b' },
      { memberId: '', groupInstanceId: 'instance-zzz' },
    ])
    expect(result.members.map((m) => m.errorCode)).toEqual([ErrorCode.NONE, ErrorCode.UNKNOWN_MEMBER_ID])
    expect(h.coordinator.describeGroup('g').members.map((m) => m.groupInstanceId)).toEqual(['instance-a'])
    const fenced = h.coordinator.leaveGroup('g', [{ memberId: 'old-id', groupInstanceId: 'instance-a' }])
    expect(fenced.members[0].errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID)
  })
})

describe('GroupCoordinator: loading and stopping', () => {
  it('answers as Kafka does while loading: LOAD_IN_PROGRESS, a blind heartbeat, a sync told to rejoin', async () => {
    const clock = new ManualClock()
    const coordinator = new GroupCoordinator(
      {
        initialRebalanceDelayMs: 0,
        minSessionTimeoutMs: 6000,
        maxSessionTimeoutMs: 1_800_000,
        offsetMetadataMaxBytes: 4096,
        dataDir: undefined,
        fsync: 'never',
        flushIntervalMs: 1000,
      },
      clock,
      silentLogger,
    )
    expect(coordinator.status).toBe('loading')
    expect((await coordinator.joinGroup(joinRequest())).errorCode).toBe(
      ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
    )
    expect(
      coordinator.heartbeat({ groupId: 'g', generationId: 1, memberId: 'm', groupInstanceId: null }),
    ).toBe(0)
    expect((await coordinator.syncGroup(syncRequest({ memberId: 'm' }))).errorCode).toBe(
      ErrorCode.REBALANCE_IN_PROGRESS,
    )
    expect(coordinator.fetchOffsets('g', null).errorCode).toBe(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS)
    expect(coordinator.listGroups([]).errorCode).toBe(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS)
    expect(coordinator.describeGroup('g').errorCode).toBe(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS)
    expect(coordinator.deleteGroups(['g'])[0].errorCode).toBe(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS)
    await coordinator.load()
    expect(coordinator.status).toBe('active')
  })

  it('answers parked requests NOT_COORDINATOR on close, then COORDINATOR_NOT_AVAILABLE, and leaves no timer', async () => {
    const h = await startCoordinator()
    const { memberIds } = await stableGroup(h, 2)
    const parkedJoin = track(h.coordinator.joinGroup(joinRequest({ memberId: memberIds[0] })))
    await h.coordinator.close()
    await drain()
    expect(parkedJoin.value.errorCode).toBe(ErrorCode.NOT_COORDINATOR)
    expect(h.coordinator.status).toBe('inactive')
    expect((await h.coordinator.joinGroup(joinRequest())).errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE)
    expect(
      h.coordinator.heartbeat({
        groupId: 'g',
        generationId: 1,
        memberId: memberIds[1],
        groupInstanceId: null,
      }),
    ).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE)
    expect(h.coordinator.listGroups([]).errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE)
    expect(h.clock.pendingTimers).toBe(0)
  })

  it('answers a parked follower sync NOT_COORDINATOR on close', async () => {
    const h = await startCoordinator()
    const a = track(h.coordinator.joinGroup(joinRequest()))
    const b = track(h.coordinator.joinGroup(joinRequest()))
    h.clock.advance(0)
    await drain()
    expect(a.value.leader).toBe(a.value.memberId)
    const waiting = track(h.coordinator.syncGroup(syncRequest({ memberId: b.value.memberId })))
    await h.coordinator.close()
    await drain()
    expect(waiting.value.errorCode).toBe(ErrorCode.NOT_COORDINATOR)
  })
})
