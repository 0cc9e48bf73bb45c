import { describe, expect, it } from 'vitest'
import { encodeMessage, messageCodec } from '../../../src/protocol/codec.js'
import { DeleteGroupsRequest, DeleteGroupsResponse } from '../../../src/protocol/messages/delete-groups.js'
import {
  DescribeGroupsRequest,
  DescribeGroupsResponse,
} from '../../../src/protocol/messages/describe-groups.js'
import {
  FindCoordinatorRequest,
  FindCoordinatorResponse,
} from '../../../src/protocol/messages/find-coordinator.js'
import { HeartbeatRequest, HeartbeatResponse } from '../../../src/protocol/messages/heartbeat.js'
import { JoinGroupRequest, JoinGroupResponse } from '../../../src/protocol/messages/join-group.js'
import { LeaveGroupRequest, LeaveGroupResponse } from '../../../src/protocol/messages/leave-group.js'
import { ListGroupsRequest, ListGroupsResponse } from '../../../src/protocol/messages/list-groups.js'
import { OffsetCommitRequest, OffsetCommitResponse } from '../../../src/protocol/messages/offset-commit.js'
import { OffsetFetchRequest, OffsetFetchResponse } from '../../../src/protocol/messages/offset-fetch.js'
import { SyncGroupRequest, SyncGroupResponse } from '../../../src/protocol/messages/sync-group.js'
import { Reader } from '../../../src/protocol/reader.js'
import type { MessageSpec } from '../../../src/protocol/schema.js'
import { Writer } from '../../../src/protocol/writer.js'
import { checkRoundTrip } from '../support/round-trip.js'

// Expected bytes are built field by field with the Writer primitives, so a
// schema with a field out of order, in the wrong versions or with the wrong
// encoding (classic vs compact) produces different bytes.
const hex = (spec: MessageSpec, version: number, value: object): string =>
  encodeMessage(spec, version, value).toString('hex')
const built = (w: Writer): string => w.finish().toString('hex')
const decode = (spec: MessageSpec, version: number, w: Writer): Record<string, unknown> => {
  const reader = new Reader(w.finish())
  const out = messageCodec(spec, version).decode(reader)
  expect(reader.remaining).toBe(0)
  return out
}
// Compact (flexible-version) encodings.
const cstr = (w: Writer, s: string | null): Writer => w.writeCompactNullableString(s)
const carr = (w: Writer, n: number): Writer => w.writeUVarint(n + 1)
const noTags = (w: Writer): Writer => w.writeUVarint(0)

describe('group-b schemas round-trip every version', () => {
  const specs: MessageSpec[] = [
    OffsetCommitRequest,
    OffsetCommitResponse,
    OffsetFetchRequest,
    OffsetFetchResponse,
    FindCoordinatorRequest,
    FindCoordinatorResponse,
    JoinGroupRequest,
    JoinGroupResponse,
    HeartbeatRequest,
    HeartbeatResponse,
    LeaveGroupRequest,
    LeaveGroupResponse,
    SyncGroupRequest,
    SyncGroupResponse,
    DescribeGroupsRequest,
    DescribeGroupsResponse,
    ListGroupsRequest,
    ListGroupsResponse,
    DeleteGroupsRequest,
    DeleteGroupsResponse,
  ]
  for (const spec of specs) {
    it(spec.name, () => checkRoundTrip(spec))
  }
})

describe('OffsetCommit bytes', () => {
  const partition = { partitionIndex: 3, committedOffset: 42n, committedMetadata: null }

  it('v1 carries a per-partition commit timestamp after the offset', () => {
    const value = {
      groupId: 'g',
      generationId: 5,
      memberId: 'm',
      retentionTimeMs: 99n,
      topics: [
        { name: 't', partitions: [{ ...partition, commitTimestamp: 1000n, committedLeaderEpoch: 8 }] },
      ],
    }
    const w = new Writer()
      .writeNullableString('g')
      .writeInt32(5)
      .writeNullableString('m')
      .writeInt32(1)
      .writeNullableString('t')
      .writeInt32(1)
      .writeInt32(3)
      .writeInt64(42n)
      .writeInt64(1000n)
      .writeNullableString(null)
    expect(hex(OffsetCommitRequest, 1, value)).toBe(built(w))
  })

  it('v0 has neither generation nor member id; v2 has retention but no timestamp', () => {
    const value = {
      groupId: 'g',
      generationId: 5,
      memberId: 'm',
      retentionTimeMs: 99n,
      topics: [{ name: 't', partitions: [{ ...partition, commitTimestamp: 1000n }] }],
    }
    const v0 = new Writer()
      .writeNullableString('g')
      .writeInt32(1)
      .writeNullableString('t')
      .writeInt32(1)
      .writeInt32(3)
      .writeInt64(42n)
      .writeNullableString(null)
    expect(hex(OffsetCommitRequest, 0, value)).toBe(built(v0))
    const v2 = new Writer()
      .writeNullableString('g')
      .writeInt32(5)
      .writeNullableString('m')
      .writeInt64(99n)
      .writeInt32(1)
      .writeNullableString('t')
      .writeInt32(1)
      .writeInt32(3)
      .writeInt64(42n)
      .writeNullableString(null)
    expect(hex(OffsetCommitRequest, 2, value)).toBe(built(v2))
    // v5 drops retention again
    expect(hex(OffsetCommitRequest, 5, value).length).toBe(built(v2).length - 16)
  })

  it('v8 is compact, with instance id and leader epoch', () => {
    const value = {
      groupId: 'g',
      generationId: 5,
      memberId: 'm',
      groupInstanceId: 'i',
      topics: [
        { name: 't', partitions: [{ ...partition, committedLeaderEpoch: 8, committedMetadata: 'x' }] },
      ],
    }
    const w = new Writer()
    cstr(w, 'g').writeInt32(5)
    cstr(cstr(w, 'm'), 'i')
    cstr(carr(w, 1), 't')
    carr(w, 1).writeInt32(3).writeInt64(42n).writeInt32(8)
    noTags(cstr(w, 'x')) // partition
    noTags(w) // topic
    noTags(w) // message
    expect(hex(OffsetCommitRequest, 8, value)).toBe(built(w))
  })

  it('decodes a v2 response without throttle time and a v8 response with it', () => {
    const v2 = new Writer().writeInt32(1).writeNullableString('t').writeInt32(1).writeInt32(0).writeInt16(27)
    expect(decode(OffsetCommitResponse, 2, v2)).toEqual({
      throttleTimeMs: 0,
      topics: [{ name: 't', partitions: [{ partitionIndex: 0, errorCode: 27 }] }],
    })
    const v8 = new Writer().writeInt32(100)
    cstr(carr(v8, 1), 't')
    noTags(noTags(carr(v8, 1).writeInt32(2).writeInt16(0)))
    noTags(v8)
    expect(decode(OffsetCommitResponse, 8, v8)).toEqual({
      throttleTimeMs: 100,
      topics: [{ name: 't', partitions: [{ partitionIndex: 2, errorCode: 0 }] }],
    })
  })
})

describe('OffsetFetch bytes', () => {
  it('v1 refuses a null topic list, v2 sends it as -1', () => {
    expect(() => encodeMessage(OffsetFetchRequest, 1, { groupId: 'g', topics: null })).toThrow()
    const w = new Writer().writeNullableString('g').writeInt32(-1)
    expect(hex(OffsetFetchRequest, 2, { groupId: 'g', topics: null })).toBe(built(w))
  })

  it('v6 is the first compact version and has no requireStable', () => {
    const value = { groupId: 'g', topics: null, requireStable: true }
    const w = new Writer()
    noTags(carr(cstr(w, 'g'), -1))
    expect(hex(OffsetFetchRequest, 6, value)).toBe(built(w))
  })

  it('v7 is compact and ends with requireStable', () => {
    const value = { groupId: 'g', topics: [{ name: 't', partitionIndexes: [0, 1] }], requireStable: true }
    const w = new Writer()
    cstr(carr(cstr(w, 'g'), 1), 't')
    noTags(carr(w, 2).writeInt32(0).writeInt32(1))
    noTags(w.writeBool(true))
    expect(hex(OffsetFetchRequest, 7, value)).toBe(built(w))
  })

  it('v8 sends groups and ignores the single-group fields', () => {
    const value = {
      groupId: 'ignored',
      topics: [{ name: 'ignored', partitionIndexes: [9] }],
      groups: [
        { groupId: 'a', topics: null },
        { groupId: 'b', topics: [{ name: 't', partitionIndexes: [4] }] },
      ],
    }
    const w = new Writer()
    carr(w, 2)
    noTags(cstr(cstr(w, 'a'), null))
    carr(cstr(w, 'b'), 1)
    cstr(w, 't')
    noTags(carr(w, 1).writeInt32(4)) // topic
    noTags(w) // group
    noTags(w.writeBool(false))
    expect(hex(OffsetFetchRequest, 8, value)).toBe(built(w))
  })

  it('decodes a v5 response with leader epoch and top-level error', () => {
    const w = new Writer()
      .writeInt32(7)
      .writeInt32(1)
      .writeNullableString('t')
      .writeInt32(1)
      .writeInt32(0)
      .writeInt64(-1n)
      .writeInt32(3)
      .writeNullableString(null)
      .writeInt16(0)
      .writeInt16(16)
    expect(decode(OffsetFetchResponse, 5, w)).toEqual({
      throttleTimeMs: 7,
      topics: [
        {
          name: 't',
          partitions: [
            {
              partitionIndex: 0,
              committedOffset: -1n,
              committedLeaderEpoch: 3,
              metadata: null,
              errorCode: 0,
            },
          ],
        },
      ],
      errorCode: 16,
      groupIds: [],
    })
  })

  it('decodes a v8 response per group', () => {
    const w = new Writer().writeInt32(0)
    cstr(carr(w, 1), 'g')
    cstr(carr(w, 1), 't')
    carr(w, 1).writeInt32(1).writeInt64(10n).writeInt32(-1)
    noTags(cstr(w, 'm').writeInt16(0)) // partition
    noTags(w) // topic
    noTags(w.writeInt16(15)) // group
    noTags(w)
    const decoded = decode(OffsetFetchResponse, 8, w)
    expect(decoded.groupIds).toEqual([
      {
        groupId: 'g',
        topics: [
          {
            name: 't',
            partitions: [
              {
                partitionIndex: 1,
                committedOffset: 10n,
                committedLeaderEpoch: -1,
                metadata: 'm',
                errorCode: 0,
              },
            ],
          },
        ],
        errorCode: 15,
      },
    ])
    expect(decoded.topics).toEqual([])
    expect(decoded.errorCode).toBe(0)
  })
})

describe('FindCoordinator bytes', () => {
  it('v0 sends only the key; v1 adds the key type', () => {
    expect(hex(FindCoordinatorRequest, 0, { key: 'g', keyType: 1 })).toBe(
      built(new Writer().writeNullableString('g')),
    )
    expect(hex(FindCoordinatorRequest, 1, { key: 'g', keyType: 1 })).toBe(
      built(new Writer().writeNullableString('g').writeInt8(1)),
    )
  })

  it('v3 is the first compact version, still with a single key', () => {
    const w = new Writer()
    noTags(cstr(w, 'g').writeInt8(1))
    expect(hex(FindCoordinatorRequest, 3, { key: 'g', keyType: 1, coordinatorKeys: ['x'] })).toBe(built(w))
  })

  it('v4 sends the key type then a compact key array', () => {
    const w = new Writer().writeInt8(0)
    cstr(cstr(carr(w, 2), 'a'), 'b')
    noTags(w)
    expect(hex(FindCoordinatorRequest, 4, { key: 'ignored', coordinatorKeys: ['a', 'b'] })).toBe(built(w))
  })

  it('decodes v0 and v4 responses', () => {
    const v0 = new Writer().writeInt16(15).writeInt32(1).writeNullableString('h').writeInt32(9092)
    expect(decode(FindCoordinatorResponse, 0, v0)).toMatchObject({
      throttleTimeMs: 0,
      errorCode: 15,
      nodeId: 1,
      host: 'h',
      port: 9092,
      coordinators: [],
    })
    const v4 = new Writer().writeInt32(0)
    cstr(carr(v4, 1), 'g').writeInt32(2)
    cstr(v4, 'h').writeInt32(9093).writeInt16(0)
    noTags(noTags(cstr(v4, null)))
    expect(decode(FindCoordinatorResponse, 4, v4).coordinators).toEqual([
      { key: 'g', nodeId: 2, host: 'h', port: 9093, errorCode: 0, errorMessage: null },
    ])
  })
})

describe('JoinGroup bytes', () => {
  const join = {
    groupId: 'g',
    sessionTimeoutMs: 10000,
    rebalanceTimeoutMs: 30000,
    memberId: '',
    groupInstanceId: 'i',
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: Buffer.from([1, 2]) }],
  }

  it('v0 has no rebalance timeout; v1 puts it after the session timeout', () => {
    const tail = (w: Writer) =>
      w
        .writeNullableString('')
        .writeNullableString('consumer')
        .writeInt32(1)
        .writeNullableString('range')
        .writeNullableBytes(Buffer.from([1, 2]))
    expect(hex(JoinGroupRequest, 0, join)).toBe(
      built(tail(new Writer().writeNullableString('g').writeInt32(10000))),
    )
    expect(hex(JoinGroupRequest, 1, join)).toBe(
      built(tail(new Writer().writeNullableString('g').writeInt32(10000).writeInt32(30000))),
    )
  })

  it('v6 is compact with the instance id before the protocol type', () => {
    const w = new Writer()
    cstr(w, 'g').writeInt32(10000).writeInt32(30000)
    cstr(cstr(cstr(w, ''), 'i'), 'consumer')
    cstr(carr(w, 1), 'range')
    noTags(w.writeCompactNullableBytes(Buffer.from([1, 2])))
    noTags(w)
    expect(hex(JoinGroupRequest, 6, join)).toBe(built(w))
  })

  it('decodes a v7 response with protocol type and a null protocol name', () => {
    const w = new Writer().writeInt32(0).writeInt16(0).writeInt32(4)
    cstr(cstr(w, 'consumer'), null)
    cstr(cstr(w, 'L'), 'M')
    carr(w, 1)
    cstr(cstr(w, 'L'), null)
    noTags(w.writeCompactNullableBytes(Buffer.from([7])))
    noTags(w)
    expect(decode(JoinGroupResponse, 7, w)).toEqual({
      throttleTimeMs: 0,
      errorCode: 0,
      generationId: 4,
      protocolType: 'consumer',
      protocolName: null,
      leader: 'L',
      memberId: 'M',
      members: [{ memberId: 'L', groupInstanceId: null, metadata: Buffer.from([7]) }],
    })
  })

  it('decodes a v0 response, leaving later fields at their defaults', () => {
    const w = new Writer()
      .writeInt16(79)
      .writeInt32(-1)
      .writeNullableString('')
      .writeNullableString('')
      .writeNullableString('M')
      .writeInt32(0)
    expect(decode(JoinGroupResponse, 0, w)).toEqual({
      throttleTimeMs: 0,
      errorCode: 79,
      generationId: -1,
      protocolType: null,
      protocolName: '',
      leader: '',
      memberId: 'M',
      members: [],
    })
  })
})

describe('Heartbeat bytes', () => {
  it('v0 request and v3 request with instance id', () => {
    const v = { groupId: 'g', generationId: 2, memberId: 'm', groupInstanceId: 'i' }
    const base = () => new Writer().writeNullableString('g').writeInt32(2).writeNullableString('m')
    expect(hex(HeartbeatRequest, 0, v)).toBe(built(base()))
    expect(hex(HeartbeatRequest, 3, v)).toBe(built(base().writeNullableString('i')))
  })

  it('v4 request is compact', () => {
    const w = new Writer()
    cstr(w, 'g').writeInt32(2)
    noTags(cstr(cstr(w, 'm'), null))
    expect(hex(HeartbeatRequest, 4, { groupId: 'g', generationId: 2, memberId: 'm' })).toBe(built(w))
  })

  it('responses: v0 is just the error, v4 has throttle and tags', () => {
    expect(hex(HeartbeatResponse, 0, { throttleTimeMs: 5, errorCode: 27 })).toBe(
      built(new Writer().writeInt16(27)),
    )
    expect(decode(HeartbeatResponse, 4, noTags(new Writer().writeInt32(5).writeInt16(27)))).toEqual({
      throttleTimeMs: 5,
      errorCode: 27,
    })
  })
})

describe('LeaveGroup bytes', () => {
  it('v2 names one member; v3 names a list', () => {
    const v = { groupId: 'g', memberId: 'm', members: [{ memberId: 'a', groupInstanceId: 'i' }] }
    expect(hex(LeaveGroupRequest, 2, v)).toBe(
      built(new Writer().writeNullableString('g').writeNullableString('m')),
    )
    expect(hex(LeaveGroupRequest, 3, v)).toBe(
      built(
        new Writer().writeNullableString('g').writeInt32(1).writeNullableString('a').writeNullableString('i'),
      ),
    )
  })

  it('v4 request is compact', () => {
    const w = new Writer()
    carr(cstr(w, 'g'), 1)
    noTags(noTags(cstr(cstr(w, 'a'), null)))
    expect(hex(LeaveGroupRequest, 4, { groupId: 'g', members: [{ memberId: 'a' }] })).toBe(built(w))
  })

  it('decodes v0 and v4 responses', () => {
    expect(decode(LeaveGroupResponse, 0, new Writer().writeInt16(25))).toEqual({
      throttleTimeMs: 0,
      errorCode: 25,
      members: [],
    })
    const w = new Writer().writeInt32(1).writeInt16(0)
    cstr(carr(w, 1), 'a')
    noTags(noTags(cstr(w, 'i').writeInt16(25)))
    expect(decode(LeaveGroupResponse, 4, w)).toEqual({
      throttleTimeMs: 1,
      errorCode: 0,
      members: [{ memberId: 'a', groupInstanceId: 'i', errorCode: 25 }],
    })
  })
})

describe('SyncGroup bytes', () => {
  const sync = {
    groupId: 'g',
    generationId: 1,
    memberId: 'm',
    groupInstanceId: null,
    protocolType: 'consumer',
    protocolName: 'range',
    assignments: [{ memberId: 'm', assignment: Buffer.from([9]) }],
  }

  it('v0 request has no instance id or protocol', () => {
    const w = new Writer()
      .writeNullableString('g')
      .writeInt32(1)
      .writeNullableString('m')
      .writeInt32(1)
      .writeNullableString('m')
      .writeNullableBytes(Buffer.from([9]))
    expect(hex(SyncGroupRequest, 0, sync)).toBe(built(w))
  })

  it('v4 request is the first compact one, still without the protocol fields', () => {
    const w = new Writer()
    cstr(w, 'g').writeInt32(1)
    cstr(cstr(w, 'm'), null)
    cstr(carr(w, 1), 'm')
    noTags(noTags(w.writeCompactNullableBytes(Buffer.from([9]))))
    expect(hex(SyncGroupRequest, 4, sync)).toBe(built(w))
  })

  it('v5 request puts protocol type and name before the assignments', () => {
    const w = new Writer()
    cstr(w, 'g').writeInt32(1)
    cstr(cstr(cstr(cstr(w, 'm'), null), 'consumer'), 'range')
    cstr(carr(w, 1), 'm')
    noTags(noTags(w.writeCompactNullableBytes(Buffer.from([9]))))
    expect(hex(SyncGroupRequest, 5, sync)).toBe(built(w))
  })

  it('decodes v0 and v5 responses', () => {
    expect(
      decode(SyncGroupResponse, 0, new Writer().writeInt16(0).writeNullableBytes(Buffer.from([1]))),
    ).toEqual({
      throttleTimeMs: 0,
      errorCode: 0,
      protocolType: null,
      protocolName: null,
      assignment: Buffer.from([1]),
    })
    const w = new Writer().writeInt32(3).writeInt16(0)
    cstr(cstr(w, 'consumer'), 'range')
    noTags(w.writeCompactNullableBytes(Buffer.from([1])))
    expect(decode(SyncGroupResponse, 5, w)).toEqual({
      throttleTimeMs: 3,
      errorCode: 0,
      protocolType: 'consumer',
      protocolName: 'range',
      assignment: Buffer.from([1]),
    })
  })
})

describe('DescribeGroups bytes', () => {
  it('v0 request is the name list; v5 is compact with the authorized-operations flag', () => {
    const v = { groups: ['a'], includeAuthorizedOperations: true }
    expect(hex(DescribeGroupsRequest, 0, v)).toBe(built(new Writer().writeInt32(1).writeNullableString('a')))
    const w = new Writer()
    noTags(cstr(carr(w, 1), 'a').writeBool(true))
    expect(hex(DescribeGroupsRequest, 5, v)).toBe(built(w))
  })

  it('decodes a v0 response, with authorized operations left at INT32_MIN', () => {
    const w = new Writer()
      .writeInt32(1)
      .writeInt16(0)
      .writeNullableString('g')
      .writeNullableString('Stable')
      .writeNullableString('consumer')
      .writeNullableString('range')
      .writeInt32(1)
      .writeNullableString('m')
      .writeNullableString('c')
      .writeNullableString('/h')
      .writeNullableBytes(Buffer.from([1]))
      .writeNullableBytes(Buffer.from([2]))
    expect(decode(DescribeGroupsResponse, 0, w)).toEqual({
      throttleTimeMs: 0,
      groups: [
        {
          errorCode: 0,
          groupId: 'g',
          groupState: 'Stable',
          protocolType: 'consumer',
          protocolData: 'range',
          members: [
            {
              memberId: 'm',
              groupInstanceId: null,
              clientId: 'c',
              clientHost: '/h',
              memberMetadata: Buffer.from([1]),
              memberAssignment: Buffer.from([2]),
            },
          ],
          authorizedOperations: -2147483648,
        },
      ],
    })
  })

  it('encodes a v5 response with the instance id after the member id', () => {
    const value = {
      throttleTimeMs: 0,
      groups: [
        {
          errorCode: 0,
          groupId: 'g',
          groupState: 'Empty',
          protocolType: '',
          protocolData: '',
          members: [
            {
              memberId: 'm',
              groupInstanceId: 'i',
              clientId: 'c',
              clientHost: 'h',
              memberMetadata: Buffer.alloc(0),
              memberAssignment: Buffer.alloc(0),
            },
          ],
          authorizedOperations: 8,
        },
      ],
    }
    const w = new Writer().writeInt32(0)
    carr(w, 1).writeInt16(0)
    cstr(cstr(cstr(cstr(w, 'g'), 'Empty'), ''), '')
    cstr(cstr(cstr(cstr(carr(w, 1), 'm'), 'i'), 'c'), 'h')
    noTags(w.writeCompactNullableBytes(Buffer.alloc(0)).writeCompactNullableBytes(Buffer.alloc(0)))
    noTags(w.writeInt32(8))
    noTags(w)
    expect(hex(DescribeGroupsResponse, 5, value)).toBe(built(w))
  })
})

describe('ListGroups bytes', () => {
  it('requests: v0 is empty, v3 only the tag section, v4 carries the state filter', () => {
    expect(hex(ListGroupsRequest, 0, { statesFilter: ['Stable'] })).toBe('')
    expect(hex(ListGroupsRequest, 3, { statesFilter: ['Stable'] })).toBe('00')
    const w = new Writer()
    noTags(cstr(carr(w, 1), 'Stable'))
    expect(hex(ListGroupsRequest, 4, { statesFilter: ['Stable'] })).toBe(built(w))
  })

  it('decodes v0 and v4 responses', () => {
    const v0 = new Writer()
      .writeInt16(0)
      .writeInt32(1)
      .writeNullableString('g')
      .writeNullableString('consumer')
    expect(decode(ListGroupsResponse, 0, v0)).toEqual({
      throttleTimeMs: 0,
      errorCode: 0,
      groups: [{ groupId: 'g', protocolType: 'consumer', groupState: '' }],
    })
    const v4 = new Writer().writeInt32(2).writeInt16(0)
    noTags(noTags(cstr(cstr(cstr(carr(v4, 1), 'g'), ''), 'Empty')))
    expect(decode(ListGroupsResponse, 4, v4)).toEqual({
      throttleTimeMs: 2,
      errorCode: 0,
      groups: [{ groupId: 'g', protocolType: '', groupState: 'Empty' }],
    })
  })
})

describe('DeleteGroups bytes', () => {
  it('requests: v0 classic array, v2 compact', () => {
    expect(hex(DeleteGroupsRequest, 0, { groupsNames: ['a'] })).toBe(
      built(new Writer().writeInt32(1).writeNullableString('a')),
    )
    const w = new Writer()
    noTags(cstr(carr(w, 1), 'a'))
    expect(hex(DeleteGroupsRequest, 2, { groupsNames: ['a'] })).toBe(built(w))
  })

  it('responses carry throttle time from v0', () => {
    const v0 = new Writer().writeInt32(4).writeInt32(1).writeNullableString('a').writeInt16(68)
    expect(decode(DeleteGroupsResponse, 0, v0)).toEqual({
      throttleTimeMs: 4,
      results: [{ groupId: 'a', errorCode: 68 }],
    })
    const v2 = new Writer().writeInt32(4)
    noTags(noTags(cstr(carr(v2, 1), 'a').writeInt16(68)))
    expect(decode(DeleteGroupsResponse, 2, v2)).toEqual({
      throttleTimeMs: 4,
      results: [{ groupId: 'a', errorCode: 68 }],
    })
  })
})
