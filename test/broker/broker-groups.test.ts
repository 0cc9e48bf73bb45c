import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { type BrokerOptions, type RunningBroker, startBroker } from '../../src/broker/index.js'
import { ErrorCode } from '../../src/protocol/error-codes.js'
import { Apis } from '../../src/protocol/messages/index.js'
import { type BrokerProcess, spawnBroker } from '../support/broker-process.js'
import { WireClient } from './support/wire-client.js'
import { createTopic, joinBody, SUBSCRIPTION } from './support/wire-helpers.js'

describe('embedded broker: consumer groups over the wire', () => {
  const cleanups: (() => Promise<void> | void)[] = []
  afterEach(async () => {
    for (const c of cleanups.reverse()) await c()
    cleanups.length = 0
  })

  async function broker(options: BrokerOptions = {}): Promise<RunningBroker> {
    const b = await startBroker({ port: 0, logger: 'silent', groupInitialRebalanceDelayMs: 0, ...options })
    cleanups.push(() => b.close())
    return b
  }

  async function connect(b: { bootstrap: string }): Promise<WireClient> {
    const c = await WireClient.connect(b.bootstrap)
    cleanups.push(() => c.close())
    return c
  }

  it('advertises the group APIs from version 0', async () => {
    const b = await broker()
    const client = await connect(b)
    const r = await client.send(Apis.ApiVersions, 3, { clientSoftwareName: 't', clientSoftwareVersion: '1' })
    const ranges = new Map(r.apiKeys.map((k) => [k.apiKey, [k.minVersion, k.maxVersion]]))
    expect(ranges.get(Apis.OffsetCommit.key)).toEqual([0, 8])
    expect(ranges.get(Apis.OffsetFetch.key)).toEqual([0, 8])
    expect(ranges.get(Apis.FindCoordinator.key)).toEqual([0, 4])
    expect(ranges.get(Apis.JoinGroup.key)).toEqual([0, 7])
    expect(ranges.get(Apis.Heartbeat.key)).toEqual([0, 4])
    expect(ranges.get(Apis.LeaveGroup.key)).toEqual([0, 4])
    expect(ranges.get(Apis.SyncGroup.key)).toEqual([0, 5])
    expect(ranges.get(Apis.DescribeGroups.key)).toEqual([0, 5])
    expect(ranges.get(Apis.ListGroups.key)).toEqual([0, 4])
    expect(ranges.get(Apis.DeleteGroups.key)).toEqual([0, 2])
  })

  it('names this broker as the group coordinator, and no transaction coordinator', async () => {
    const b = await broker()
    const client = await connect(b)
    for (const version of [0, 1, 2, 3]) {
      const r = await client.send(Apis.FindCoordinator, version, { key: 'billing', keyType: 0 })
      expect([r.errorCode, r.nodeId, r.host, r.port], `v${version}`).toEqual([0, 1, b.host, b.port])
    }
    const batched = await client.send(Apis.FindCoordinator, 4, { keyType: 0, coordinatorKeys: ['a', 'b'] })
    expect(batched.coordinators.map((c) => [c.key, c.errorCode, c.nodeId, c.port])).toEqual([
      ['a', 0, 1, b.port],
      ['b', 0, 1, b.port],
    ])
    const tx = await client.send(Apis.FindCoordinator, 4, { keyType: 1, coordinatorKeys: ['tx'] })
    expect(tx.coordinators[0]).toMatchObject({ errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, nodeId: -1 })
    const bad = await client.send(Apis.FindCoordinator, 3, { key: 'x', keyType: 7 })
    expect(bad.errorCode).toBe(ErrorCode.INVALID_REQUEST)
  })

  it('runs a two-member group through join, sync, heartbeat, commit, fetch, leave and delete', async () => {
    const b = await broker()
    const admin = await connect(b)
    await createTopic(admin, 'invoices', 4)
    const a = await connect(b)
    const c = await connect(b)

    // A: MEMBER_ID_REQUIRED, then a generation of its own
    const idA = await a.send(Apis.JoinGroup, 7, joinBody('billing'))
    expect(idA.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED)
    expect(idA.memberId).toMatch(/^sluice-test-/)
    const gen1 = await a.send(Apis.JoinGroup, 7, joinBody('billing', idA.memberId))
    expect(gen1).toMatchObject({
      errorCode: 0,
      generationId: 1,
      protocolType: 'consumer',
      protocolName: 'range',
    })
    const memberA = gen1.memberId
    const syncA1 = await a.send(Apis.SyncGroup, 5, {
      groupId: 'billing',
      generationId: 1,
      memberId: memberA,
      groupInstanceId: null,
      protocolType: 'consumer',
      protocolName: 'range',
      assignments: [{ memberId: memberA, assignment: Buffer.from('all') }],
    })
    expect(syncA1).toMatchObject({ errorCode: 0, assignment: Buffer.from('all') })

    // B arrives: its join waits while A is told to rejoin
    const idC = await c.send(Apis.JoinGroup, 5, joinBody('billing'))
    expect(idC.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED)
    const joinC = c.send(Apis.JoinGroup, 5, joinBody('billing', idC.memberId))
    const hb = await a.send(Apis.Heartbeat, 4, {
      groupId: 'billing',
      generationId: 1,
      memberId: memberA,
      groupInstanceId: null,
    })
    expect(hb.errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS)
    const [gen2A, gen2C] = await Promise.all([a.send(Apis.JoinGroup, 7, joinBody('billing', memberA)), joinC])
    expect(gen2A).toMatchObject({ errorCode: 0, generationId: 2, leader: memberA })
    expect(gen2C).toMatchObject({ errorCode: 0, generationId: 2, leader: memberA, members: [] })
    expect(gen2A.members.map((m) => [m.memberId, m.metadata])).toEqual([
      [memberA, SUBSCRIPTION],
      [idC.memberId, SUBSCRIPTION],
    ])

    // the follower's sync waits for the leader's assignment
    const syncC = c.send(Apis.SyncGroup, 3, {
      groupId: 'billing',
      generationId: 2,
      memberId: idC.memberId,
      groupInstanceId: null,
      assignments: [],
    })
    const syncA = await a.send(Apis.SyncGroup, 0, {
      groupId: 'billing',
      generationId: 2,
      memberId: memberA,
      assignments: [
        { memberId: memberA, assignment: Buffer.from('p0,p1') },
        { memberId: idC.memberId, assignment: Buffer.from('p2,p3') },
      ],
    })
    expect(syncA.assignment).toEqual(Buffer.from('p0,p1'))
    expect((await syncC).assignment).toEqual(Buffer.from('p2,p3'))
    for (const [client, memberId] of [
      [a, memberA],
      [c, idC.memberId],
    ] as const) {
      // v1: WireClient's frame splitter refuses the 6-byte responses of Heartbeat and LeaveGroup v0
      const r = await client.send(Apis.Heartbeat, 1, { groupId: 'billing', generationId: 2, memberId })
      expect(r.errorCode).toBe(0)
    }

    // commits from members, validated against the generation
    const commitA = await a.send(Apis.OffsetCommit, 8, {
      groupId: 'billing',
      generationId: 2,
      memberId: memberA,
      groupInstanceId: null,
      topics: [
        {
          name: 'invoices',
          partitions: [
            {
              partitionIndex: 0,
              committedOffset: 100n,
              committedLeaderEpoch: 0,
              committedMetadata: 'a-meta',
            },
            { partitionIndex: 9, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: null },
          ],
        },
        {
          name: 'no-such-topic',
          partitions: [
            { partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: null },
          ],
        },
      ],
    })
    expect(commitA.topics.map((t) => t.partitions.map((p) => p.errorCode))).toEqual([
      [0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
      [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
    ])
    const commitC = await c.send(Apis.OffsetCommit, 2, {
      groupId: 'billing',
      generationId: 2,
      memberId: idC.memberId,
      retentionTimeMs: -1n,
      topics: [
        { name: 'invoices', partitions: [{ partitionIndex: 2, committedOffset: 7n, committedMetadata: '' }] },
      ],
    })
    expect(commitC.topics[0].partitions[0].errorCode).toBe(0)
    const stale = await c.send(Apis.OffsetCommit, 8, {
      groupId: 'billing',
      generationId: 1,
      memberId: idC.memberId,
      groupInstanceId: null,
      topics: [
        {
          name: 'invoices',
          partitions: [
            { partitionIndex: 2, committedOffset: 8n, committedLeaderEpoch: -1, committedMetadata: null },
          ],
        },
      ],
    })
    expect(stale.topics[0].partitions[0].errorCode).toBe(ErrorCode.ILLEGAL_GENERATION)

    // fetch in the old single-group form and in v8's multi-group form
    const v1 = await admin.send(Apis.OffsetFetch, 1, {
      groupId: 'billing',
      topics: [{ name: 'invoices', partitionIndexes: [0, 1, 2] }],
    })
    expect(
      v1.topics[0].partitions.map((p) => [p.partitionIndex, p.committedOffset, p.metadata, p.errorCode]),
    ).toEqual([
      [0, 100n, 'a-meta', 0],
      [1, -1n, '', 0],
      [2, 7n, '', 0],
    ])
    const v7 = await admin.send(Apis.OffsetFetch, 7, {
      groupId: 'billing',
      topics: null,
      requireStable: true,
    })
    expect(v7.errorCode).toBe(0)
    expect(
      v7.topics[0].partitions.map((p) => [p.partitionIndex, p.committedOffset, p.committedLeaderEpoch]),
    ).toEqual([
      [0, 100n, 0],
      [2, 7n, -1],
    ])
    const v8 = await admin.send(Apis.OffsetFetch, 8, {
      groups: [
        { groupId: 'billing', topics: [{ name: 'invoices', partitionIndexes: [0] }] },
        { groupId: 'nobody', topics: null },
      ],
      requireStable: false,
    })
    expect(
      v8.groupIds.map((g) => [
        g.groupId,
        g.errorCode,
        g.topics.map((t) => t.partitions.map((p) => p.committedOffset)),
      ]),
    ).toEqual([
      ['billing', 0, [[100n]]],
      ['nobody', 0, []],
    ])

    // describe and list while Stable
    const described = await admin.send(Apis.DescribeGroups, 5, {
      groups: ['billing'],
      includeAuthorizedOperations: true,
    })
    expect(described.groups[0]).toMatchObject({
      errorCode: 0,
      groupState: 'Stable',
      protocolType: 'consumer',
      protocolData: 'range',
    })
    expect(
      described.groups[0].members.map((m) => [m.memberId, m.clientId, m.clientHost, m.memberAssignment]),
    ).toEqual([
      [memberA, 'sluice-test', '/127.0.0.1', Buffer.from('p0,p1')],
      [idC.memberId, 'sluice-test', '/127.0.0.1', Buffer.from('p2,p3')],
    ])
    expect(described.groups[0].authorizedOperations).toBeGreaterThan(0)
    const listed = await admin.send(Apis.ListGroups, 4, { statesFilter: ['stable'] })
    expect(listed.groups).toEqual([{ groupId: 'billing', protocolType: 'consumer', groupState: 'Stable' }])

    // a member with a group cannot be deleted
    const early = await admin.send(Apis.DeleteGroups, 2, { groupsNames: ['billing'] })
    expect(early.results[0].errorCode).toBe(ErrorCode.NON_EMPTY_GROUP)

    // B leaves (the single-member form of v0-2); A rejoins alone
    const leaveC = await c.send(Apis.LeaveGroup, 2, { groupId: 'billing', memberId: idC.memberId })
    expect(leaveC.errorCode).toBe(0)
    const again = await c.send(Apis.LeaveGroup, 1, { groupId: 'billing', memberId: idC.memberId })
    expect(again.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
    const hbA = await a.send(Apis.Heartbeat, 4, {
      groupId: 'billing',
      generationId: 2,
      memberId: memberA,
      groupInstanceId: null,
    })
    expect(hbA.errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS)
    const gen3 = await a.send(Apis.JoinGroup, 7, joinBody('billing', memberA))
    expect(gen3).toMatchObject({ generationId: 3, leader: memberA })
    expect(gen3.members).toHaveLength(1)

    // A leaves with the v3+ member list
    const leaveA = await a.send(Apis.LeaveGroup, 4, {
      groupId: 'billing',
      members: [
        { memberId: memberA, groupInstanceId: null },
        { memberId: 'ghost', groupInstanceId: null },
      ],
    })
    expect(leaveA.errorCode).toBe(0)
    expect(leaveA.members.map((m) => [m.memberId, m.errorCode])).toEqual([
      [memberA, 0],
      ['ghost', ErrorCode.UNKNOWN_MEMBER_ID],
    ])
    const empty = await admin.send(Apis.DescribeGroups, 0, { groups: ['billing', 'never-was'] })
    expect(empty.groups.map((g) => [g.groupId, g.errorCode, g.groupState, g.members.length])).toEqual([
      ['billing', 0, 'Empty', 0],
      ['never-was', 0, 'Dead', 0],
    ])
    // now anyone may commit as a standalone consumer
    const standalone = await admin.send(Apis.OffsetCommit, 0, {
      groupId: 'billing',
      topics: [
        {
          name: 'invoices',
          partitions: [{ partitionIndex: 3, committedOffset: 33n, committedMetadata: null }],
        },
      ],
    })
    expect(standalone.topics[0].partitions[0].errorCode).toBe(0)

    const deleted = await admin.send(Apis.DeleteGroups, 0, {
      groupsNames: ['billing', 'billing', 'never-was'],
    })
    expect(deleted.results).toEqual([
      { groupId: 'billing', errorCode: 0 },
      { groupId: 'never-was', errorCode: ErrorCode.GROUP_ID_NOT_FOUND },
    ])
    const gone = await admin.send(Apis.OffsetFetch, 3, { groupId: 'billing', topics: null })
    expect(gone.topics).toEqual([])
    expect((await admin.send(Apis.ListGroups, 0, {})).groups).toEqual([])
  })

  it('maps the older JoinGroup and SyncGroup versions', async () => {
    const b = await broker()
    const client = await connect(b)
    // v0-3 admit a member without an id directly; v0 has no rebalance timeout
    const v0 = await client.send(Apis.JoinGroup, 0, joinBody('old'))
    expect(v0).toMatchObject({ errorCode: 0, generationId: 1, protocolName: 'range' })
    // an error before v7 still carries a (empty) protocol name
    const bad = await client.send(Apis.JoinGroup, 3, {
      ...joinBody('old'),
      protocolType: 'connect',
    })
    expect(bad).toMatchObject({
      errorCode: ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
      protocolName: '',
      generationId: -1,
    })
    const bad7 = await client.send(Apis.JoinGroup, 7, {
      ...joinBody('old'),
      protocolType: 'connect',
    })
    expect(bad7).toMatchObject({
      errorCode: ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
      protocolName: null,
      protocolType: null,
    })
    // SyncGroup v5 must name the protocol
    const sync5 = await client.send(Apis.SyncGroup, 5, {
      groupId: 'old',
      generationId: 1,
      memberId: v0.memberId,
      groupInstanceId: null,
      protocolType: null,
      protocolName: null,
      assignments: [],
    })
    expect(sync5.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    const tooShort = await client.send(Apis.JoinGroup, 7, {
      ...joinBody('x'),
      sessionTimeoutMs: 10,
    })
    expect(tooShort.errorCode).toBe(ErrorCode.INVALID_SESSION_TIMEOUT)
    const noGroup = await client.send(Apis.JoinGroup, 7, joinBody(''))
    expect(noGroup.errorCode).toBe(ErrorCode.INVALID_GROUP_ID)
  })

  it('answers a parked JoinGroup when the broker closes, so close does not wait for the rebalance', async () => {
    const b = await startBroker({ port: 0, logger: 'silent', groupInitialRebalanceDelayMs: 60_000 })
    const client = await WireClient.connect(b.bootstrap)
    // v3 admits the member at once, so its join waits for the (long) initial delay
    const parked = client.send(Apis.JoinGroup, 3, joinBody('billing'))
    await new Promise((resolve) => setTimeout(resolve, 50))
    // the initial delay (60 s) outlasts the test timeout: a close that waited for it fails the test
    await b.close()
    expect((await parked).errorCode).toBe(ErrorCode.NOT_COORDINATOR)
    await client.close()
  })

  async function commitAndJoin(b: RunningBroker): Promise<{ memberId: string }> {
    const client = await WireClient.connect(b.bootstrap)
    await createTopic(client, 'ledger', 2)
    const commit = await client.send(Apis.OffsetCommit, 8, {
      groupId: 'standalone',
      generationId: -1,
      memberId: '',
      groupInstanceId: null,
      topics: [
        {
          name: 'ledger',
          partitions: [
            { partitionIndex: 1, committedOffset: 41n, committedLeaderEpoch: 0, committedMetadata: 'm' },
          ],
        },
      ],
    })
    expect(commit.topics[0].partitions[0].errorCode).toBe(0)
    const join = await client.send(Apis.JoinGroup, 4, joinBody('members'))
    const member = await client.send(Apis.JoinGroup, 4, joinBody('members', join.memberId))
    await client.send(Apis.SyncGroup, 4, {
      groupId: 'members',
      generationId: member.generationId,
      memberId: member.memberId,
      groupInstanceId: null,
      assignments: [{ memberId: member.memberId, assignment: Buffer.from('ledger-0,ledger-1') }],
    })
    await client.close()
    return { memberId: member.memberId }
  }

  async function stateAfterRestart(bootstrap: string) {
    const client = await WireClient.connect(bootstrap)
    const fetched = await client.send(Apis.OffsetFetch, 5, {
      groupId: 'standalone',
      topics: [{ name: 'ledger', partitionIndexes: [0, 1] }],
    })
    const described = await client.send(Apis.DescribeGroups, 4, {
      groups: ['members'],
      includeAuthorizedOperations: false,
    })
    await client.close()
    return {
      offsets: fetched.topics[0]?.partitions.map((p) => [
        p.committedOffset,
        p.committedLeaderEpoch,
        p.metadata,
      ]),
      group: described.groups[0],
    }
  }

  it('forgets groups and offsets across a restart in memory, and keeps them with a data directory', async () => {
    const memory = await startBroker({ port: 0, logger: 'silent', groupInitialRebalanceDelayMs: 0 })
    await commitAndJoin(memory)
    await memory.close()
    const memoryAgain = await broker()
    const lost = await stateAfterRestart(memoryAgain.bootstrap)
    expect(lost.offsets).toEqual([
      [-1n, -1, ''],
      [-1n, -1, ''],
    ])
    expect(lost.group.groupState).toBe('Dead')

    const dir = mkdtempSync(join(tmpdir(), 'sluice-groups-restart-'))
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
    const disk = await startBroker({
      port: 0,
      logger: 'silent',
      dataDir: dir,
      groupInitialRebalanceDelayMs: 0,
    })
    const { memberId } = await commitAndJoin(disk)
    await disk.close()
    const diskAgain = await broker({ dataDir: dir })
    const kept = await stateAfterRestart(diskAgain.bootstrap)
    expect(kept.offsets).toEqual([
      [-1n, -1, ''],
      [41n, 0, 'm'],
    ])
    expect(kept.group.groupState).toBe('Stable')
    expect(kept.group.members.map((m) => [m.memberId, m.memberAssignment.toString()])).toEqual([
      [memberId, 'ledger-0,ledger-1'],
    ])
  })
})

describe('embedded broker: groups survive SIGKILL', () => {
  let dir: string
  let child: BrokerProcess | undefined

  afterEach(() => {
    child?.child.kill('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  })

  for (const fsync of ['always', 'never'] as const) {
    it(`keeps every acknowledged commit and the group's generation (fsync ${fsync})`, async () => {
      dir = mkdtempSync(join(tmpdir(), 'sluice-groups-kill-'))
      // no initial rebalance delay: a lone member, nothing to wait for (3 s by default)
      const brokerArgs = ['--data-dir', dir, '--fsync', fsync, '--log-level', 'warn']
      child = await spawnBroker([...brokerArgs, '--group-initial-rebalance-delay-ms', '0'])
      const client = await WireClient.connect(child.bootstrap)
      await createTopic(client, 'stream', 3)
      // a group through MEMBER_ID_REQUIRED, then a stable generation
      const id = await client.send(Apis.JoinGroup, 7, joinBody('workers'))
      const member = await client.send(Apis.JoinGroup, 7, joinBody('workers', id.memberId))
      expect(member.generationId).toBe(1)
      await client.send(Apis.SyncGroup, 5, {
        groupId: 'workers',
        generationId: 1,
        memberId: member.memberId,
        groupInstanceId: null,
        protocolType: 'consumer',
        protocolName: 'range',
        assignments: [{ memberId: member.memberId, assignment: Buffer.from('everything') }],
      })
      const acked = new Map<number, bigint>()
      const inFlight: Promise<void>[] = []
      for (let i = 1; i <= 300; i++) {
        const partition = i % 3
        const offset = BigInt(i)
        inFlight.push(
          client
            .send(Apis.OffsetCommit, 8, {
              groupId: 'workers',
              generationId: 1,
              memberId: member.memberId,
              groupInstanceId: null,
              topics: [
                {
                  name: 'stream',
                  partitions: [
                    {
                      partitionIndex: partition,
                      committedOffset: offset,
                      committedLeaderEpoch: 0,
                      committedMetadata: `c${i}`,
                    },
                  ],
                },
              ],
            })
            .then((r) => {
              if (r.topics[0].partitions[0].errorCode === 0) acked.set(partition, offset)
            })
            .catch(() => {}),
        )
        if (i === 250) {
          // kill with commits still arriving
          await Promise.all(inFlight.slice(0, 200))
          child.child.kill('SIGKILL')
        }
      }
      await child.exited
      await Promise.allSettled(inFlight)
      expect(acked.size).toBe(3)

      child = await spawnBroker(brokerArgs)
      const reader = await WireClient.connect(child.bootstrap)
      const fetched = await reader.send(Apis.OffsetFetch, 8, {
        groups: [{ groupId: 'workers', topics: null }],
        requireStable: false,
      })
      const committed = new Map(
        fetched.groupIds[0].topics[0].partitions.map((p) => [p.partitionIndex, p.committedOffset]),
      )
      for (const [partition, offset] of acked) expect(committed.get(partition)! >= offset).toBe(true)
      const described = await reader.send(Apis.DescribeGroups, 5, {
        groups: ['workers'],
        includeAuthorizedOperations: false,
      })
      expect(described.groups[0].groupState).toBe('Stable')
      expect(described.groups[0].members[0].memberAssignment).toEqual(Buffer.from('everything'))
      // the member carries on in its generation after the crash
      const hb = await reader.send(Apis.Heartbeat, 4, {
        groupId: 'workers',
        generationId: 1,
        memberId: member.memberId,
        groupInstanceId: null,
      })
      expect(hb.errorCode).toBe(0)
      await reader.close()
      await client.close()
    }, 60_000)
  }
})
