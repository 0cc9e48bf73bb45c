import { describe, expect, it } from 'vitest'
import { ErrorCode } from '../../../src/protocol/error-codes.js'
import {
  drain,
  joinRequest,
  protocols,
  REBALANCE_MS,
  SESSION_MS,
  stableGroup,
  startCoordinator,
  syncRequest,
  track,
} from './support/coordinator-harness.js'

describe('GroupCoordinator: joining and forming generations', () => {
  it('hands a v4+ dynamic member an id with MEMBER_ID_REQUIRED, then admits it when it rejoins with that id', async () => {
    const h = await startCoordinator()
    const first = await h.coordinator.joinGroup(joinRequest({ requireKnownMemberId: true, clientId: 'app' }))
    expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED)
    expect(first.memberId).toMatch(/^app-[0-9a-f-]{36}$/)
    expect(first.generationId).toBe(-1)
    // a pending id is not a member yet
    expect(h.coordinator.describeGroup('g').members).toEqual([])

    const join = track(
      h.coordinator.joinGroup(joinRequest({ requireKnownMemberId: true, memberId: first.memberId })),
    )
    h.clock.advance(0)
    await drain()
    expect(join.value).toMatchObject({
      errorCode: ErrorCode.NONE,
      generationId: 1,
      protocolType: 'consumer',
      protocolName: 'range',
      leader: first.memberId,
      memberId: first.memberId,
    })
    expect(join.value.members).toEqual([
      { memberId: first.memberId, groupInstanceId: null, metadata: Buffer.from('subscription-for-range') },
    ])
    expect(h.coordinator.describeGroup('g').state).toBe('CompletingRebalance')
  })

  it('admits a member without an id directly before JoinGroup v4', async () => {
    const h = await startCoordinator()
    const join = track(h.coordinator.joinGroup(joinRequest({ clientId: 'old-client' })))
    h.clock.advance(0)
    await drain()
    expect(join.value.errorCode).toBe(ErrorCode.NONE)
    expect(join.value.memberId).toMatch(/^old-client-/)
    expect(join.value.generationId).toBe(1)
  })

  it('forgets a handed-out id that is not used within the session timeout', async () => {
    const h = await startCoordinator()
    const first = await h.coordinator.joinGroup(joinRequest({ requireKnownMemberId: true }))
    h.clock.advance(SESSION_MS)
    const late = await h.coordinator.joinGroup(
      joinRequest({ requireKnownMemberId: true, memberId: first.memberId }),
    )
    expect(late.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
  })

  it('gives the leader every member with its subscription and followers an empty list', async () => {
    const h = await startCoordinator()
    const a = track(h.coordinator.joinGroup(joinRequest({ clientId: 'a' })))
    const b = track(h.coordinator.joinGroup(joinRequest({ clientId: 'b' })))
    h.clock.advance(0)
    await drain()
    expect(a.value.generationId).toBe(1)
    expect(b.value.generationId).toBe(1)
    expect(a.value.leader).toBe(a.value.memberId)
    expect(b.value.leader).toBe(a.value.memberId)
    expect(a.value.members.map((m) => m.memberId)).toEqual([a.value.memberId, b.value.memberId])
    expect(b.value.members).toEqual([])
  })

  it("makes followers' SyncGroup wait for the leader's, then gives each member its own assignment", async () => {
    const h = await startCoordinator()
    const a = track(h.coordinator.joinGroup(joinRequest({ clientId: 'a' })))
    const b = track(h.coordinator.joinGroup(joinRequest({ clientId: 'b' })))
    const c = track(h.coordinator.joinGroup(joinRequest({ clientId: 'c' })))
    h.clock.advance(0)
    await drain()
    const [leader, f1, f2] = [a.value.memberId, b.value.memberId, c.value.memberId]
    const follower = track(h.coordinator.syncGroup(syncRequest({ memberId: f1 })))
    await drain()
    expect(follower.settled).toBe(false)
    const leaderSync = track(
      h.coordinator.syncGroup(
        syncRequest({
          memberId: leader,
          // f2 is left out: it gets an empty assignment
          assignments: new Map([
            [leader, Buffer.from('L')],
            [f1, Buffer.from('F1')],
            ['not-a-member', Buffer.from('X')],
          ]),
        }),
      ),
    )
    await drain()
    expect(leaderSync.value).toEqual({
      errorCode: 0,
      protocolType: 'consumer',
      protocolName: 'range',
      assignment: Buffer.from('L'),
    })
    expect(follower.value.assignment).toEqual(Buffer.from('F1'))
    expect(h.coordinator.describeGroup('g').state).toBe('Stable')
    // a sync in a Stable group answers at once with the stored assignment
    const late = await h.coordinator.syncGroup(syncRequest({ memberId: f2 }))
    expect(late).toMatchObject({ errorCode: 0, assignment: Buffer.alloc(0) })
  })

  it('picks the assignor most members prefer among those all of them support', async () => {
    const h = await startCoordinator()
    const joins = [
      joinRequest({ protocols: protocols('roundrobin', 'range', 'sticky') }),
      joinRequest({ protocols: protocols('range', 'roundrobin') }),
      joinRequest({ protocols: protocols('roundrobin', 'range') }),
    ].map((r) => track(h.coordinator.joinGroup(r)))
    h.clock.advance(0)
    await drain()
    expect(joins.map((j) => j.value.protocolName)).toEqual(['roundrobin', 'roundrobin', 'roundrobin'])
    // the leader gets each member's subscription for the chosen assignor
    expect(joins[0].value.members[1].metadata).toEqual(Buffer.from('subscription-for-roundrobin'))
  })

  it('refuses a member with no assignor in common, another protocol type, or no protocols at all', async () => {
    const h = await startCoordinator()
    const a = track(h.coordinator.joinGroup(joinRequest({ protocols: protocols('range', 'roundrobin') })))
    const noCommon = await h.coordinator.joinGroup(joinRequest({ protocols: protocols('sticky') }))
    expect(noCommon.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    expect(noCommon.memberId).toBe('')
    const otherType = await h.coordinator.joinGroup(joinRequest({ protocolType: 'connect' }))
    expect(otherType.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    const none = await h.coordinator.joinGroup(joinRequest({ groupId: 'fresh', protocols: [] }))
    expect(none.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    const untyped = await h.coordinator.joinGroup(joinRequest({ groupId: 'fresh2', protocolType: '' }))
    expect(untyped.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    h.clock.advance(0)
    await drain()
    expect(a.value.errorCode).toBe(ErrorCode.NONE)
    // a known member changing to an assignor nobody else has is refused too
    const b = track(h.coordinator.joinGroup(joinRequest({ protocols: protocols('roundrobin') })))
    h.clock.advance(0)
    const changed = await h.coordinator.joinGroup(
      joinRequest({ memberId: a.value.memberId, protocols: protocols('sticky') }),
    )
    expect(changed.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    expect(b.settled).toBe(false)
  })

  it('refuses session timeouts outside the broker bounds and empty group ids', async () => {
    const h = await startCoordinator({ minSessionTimeoutMs: 6000, maxSessionTimeoutMs: 60_000 })
    for (const sessionTimeoutMs of [5999, 60_001, -1]) {
      const r = await h.coordinator.joinGroup(joinRequest({ sessionTimeoutMs }))
      expect(r.errorCode).toBe(ErrorCode.INVALID_SESSION_TIMEOUT)
    }
    const accepted = track(h.coordinator.joinGroup(joinRequest({ sessionTimeoutMs: 6000 })))
    h.clock.advance(0)
    await drain()
    expect(accepted.value.errorCode).toBe(0)
    expect((await h.coordinator.joinGroup(joinRequest({ groupId: '' }))).errorCode).toBe(
      ErrorCode.INVALID_GROUP_ID,
    )
  })

  it('answers UNKNOWN_MEMBER_ID to a member id the group (or the coordinator) does not know', async () => {
    const h = await startCoordinator()
    const unknownGroup = await h.coordinator.joinGroup(joinRequest({ groupId: 'nope', memberId: 'ghost' }))
    expect(unknownGroup.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
    expect(unknownGroup.memberId).toBe('ghost')
    await stableGroup(h, 1)
    const ghost = await h.coordinator.joinGroup(joinRequest({ memberId: 'ghost' }))
    expect(ghost.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
  })

  it('waits the initial rebalance delay for a new group, again each time a member arrives', async () => {
    const h = await startCoordinator({ initialRebalanceDelayMs: 3000 })
    const a = track(h.coordinator.joinGroup(joinRequest()))
    h.clock.advance(2000)
    const b = track(h.coordinator.joinGroup(joinRequest()))
    h.clock.advance(999)
    await drain()
    expect(a.settled).toBe(false)
    // at 3000 ms b's arrival restarts the wait
    h.clock.advance(1)
    await drain()
    expect(a.settled).toBe(false)
    h.clock.advance(2999)
    await drain()
    expect(a.settled).toBe(false)
    h.clock.advance(1)
    await drain()
    expect(a.value.generationId).toBe(1)
    expect(b.value.generationId).toBe(1)
    expect(a.value.members).toHaveLength(2)
  })

  it('never lets the initial delay run past the rebalance timeout', async () => {
    const h = await startCoordinator({ initialRebalanceDelayMs: 3000 })
    const a = track(h.coordinator.joinGroup(joinRequest({ rebalanceTimeoutMs: 7000 })))
    // a new member every 2 s would keep restarting the delay forever
    for (let t = 0; t < 3; t++) {
      h.clock.advance(2000)
      track(h.coordinator.joinGroup(joinRequest({ rebalanceTimeoutMs: 7000 })))
    }
    h.clock.advance(999)
    await drain()
    expect(a.settled).toBe(false)
    h.clock.advance(1)
    await drain()
    expect(a.value.generationId).toBe(1)
    expect(a.value.members).toHaveLength(4)
  })

  it('completes a rebalance as soon as every member rejoined, without waiting for the timeout', async () => {
    const h = await startCoordinator()
    const { leader, memberIds } = await stableGroup(h, 2)
    const c = track(h.coordinator.joinGroup(joinRequest({ clientId: 'c' })))
    expect(h.coordinator.describeGroup('g').state).toBe('PreparingRebalance')
    const rejoins = memberIds.map((memberId) => track(h.coordinator.joinGroup(joinRequest({ memberId }))))
    await drain()
    expect(c.value.generationId).toBe(2)
    expect(rejoins.map((r) => r.value.generationId)).toEqual([2, 2])
    expect(rejoins[0].value.leader).toBe(leader)
    expect(rejoins[0].value.members).toHaveLength(3)
  })

  it('bounds the join phase by the rebalance timeout and drops members that did not rejoin', async () => {
    const h = await startCoordinator()
    const { memberIds } = await stableGroup(h, 2)
    const [a, b] = memberIds
    const c = track(h.coordinator.joinGroup(joinRequest({ clientId: 'c' })))
    const aRejoin = track(h.coordinator.joinGroup(joinRequest({ memberId: a })))
    // b stays alive by heartbeating (told to rejoin) but never does
    for (let t = 0; t < REBALANCE_MS - 5000; t += 5000) {
      h.clock.advance(5000)
      expect(
        h.coordinator.heartbeat({ groupId: 'g', generationId: 1, memberId: b, groupInstanceId: null }),
      ).toBe(ErrorCode.REBALANCE_IN_PROGRESS)
    }
    await drain()
    expect(aRejoin.settled).toBe(false)
    h.clock.advance(5000)
    await drain()
    expect(aRejoin.value.generationId).toBe(2)
    expect(aRejoin.value.members.map((m) => m.memberId)).toEqual([a, c.value.memberId])
    expect(
      h.coordinator.heartbeat({ groupId: 'g', generationId: 1, memberId: b, groupInstanceId: null }),
    ).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
  })

  it('hands leadership to a member that rejoined when the leader did not', async () => {
    const h = await startCoordinator()
    const { leader, memberIds } = await stableGroup(h, 2)
    const follower = memberIds[1]
    const rejoin = track(
      h.coordinator.joinGroup(joinRequest({ memberId: follower, protocols: protocols('range', 'x') })),
    )
    h.clock.advance(REBALANCE_MS)
    await drain()
    expect(rejoin.value.leader).toBe(follower)
    expect(rejoin.value.members.map((m) => m.memberId)).toEqual([follower])
    expect(h.coordinator.describeGroup('g').members.map((m) => m.memberId)).not.toContain(leader)
  })

  it('answers a rejoin with unchanged metadata during CompletingRebalance with the current generation', async () => {
    const h = await startCoordinator()
    const a = track(h.coordinator.joinGroup(joinRequest()))
    const b = track(h.coordinator.joinGroup(joinRequest()))
    h.clock.advance(0)
    await drain()
    const again = await h.coordinator.joinGroup(joinRequest({ memberId: a.value.memberId }))
    expect(again).toMatchObject({ errorCode: 0, generationId: 1, leader: a.value.memberId })
    expect(again.members).toHaveLength(2)
    expect(h.coordinator.describeGroup('g').state).toBe('CompletingRebalance')
    // changed metadata starts a new rebalance; a waiting follower sync is told so
    const waiting = track(h.coordinator.syncGroup(syncRequest({ memberId: b.value.memberId })))
    const changed = track(
      h.coordinator.joinGroup(
        joinRequest({ memberId: a.value.memberId, protocols: protocols('range', 'sticky') }),
      ),
    )
    await drain()
    expect(waiting.value.errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS)
    expect(changed.settled).toBe(false)
    expect(h.coordinator.describeGroup('g').state).toBe('PreparingRebalance')
  })

  it('lets a follower rejoin a Stable group unchanged without a rebalance, but not the leader', async () => {
    const h = await startCoordinator()
    const { leader, memberIds } = await stableGroup(h, 2)
    const follower = await h.coordinator.joinGroup(joinRequest({ memberId: memberIds[1] }))
    expect(follower).toMatchObject({ errorCode: 0, generationId: 1, leader, members: [] })
    expect(h.coordinator.describeGroup('g').state).toBe('Stable')
    const leaderRejoin = track(h.coordinator.joinGroup(joinRequest({ memberId: leader })))
    await drain()
    expect(leaderRejoin.settled).toBe(false)
    expect(h.coordinator.describeGroup('g').state).toBe('PreparingRebalance')
  })

  it('answers a superseded JoinGroup of the same member instead of leaving it parked', async () => {
    const h = await startCoordinator()
    const { memberIds } = await stableGroup(h, 2)
    const first = track(h.coordinator.joinGroup(joinRequest({ memberId: memberIds[0] })))
    const second = track(h.coordinator.joinGroup(joinRequest({ memberId: memberIds[0] })))
    await drain()
    expect(first.value.errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS)
    expect(second.settled).toBe(false)
  })

  it('times out a brand-new member whose join stays parked longer than five minutes', async () => {
    const h = await startCoordinator()
    const long = { rebalanceTimeoutMs: 10 * 60_000, sessionTimeoutMs: 60_000 }
    const a = track(h.coordinator.joinGroup(joinRequest(long)))
    h.clock.advance(0)
    await drain()
    await h.coordinator.syncGroup(syncRequest({ memberId: a.value.memberId }))
    const b = track(h.coordinator.joinGroup(joinRequest(long)))
    for (let t = 0; t < 5; t++) {
      h.clock.advance(60_000 - 1)
      h.coordinator.heartbeat({
        groupId: 'g',
        generationId: 1,
        memberId: a.value.memberId,
        groupInstanceId: null,
      })
    }
    h.clock.advance(5)
    await drain()
    expect(b.value).toMatchObject({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, memberId: '' })
    const rejoin = await h.coordinator.joinGroup(joinRequest({ ...long, memberId: a.value.memberId }))
    expect(rejoin.generationId).toBe(2)
    expect(rejoin.members).toHaveLength(1)
  })
})
