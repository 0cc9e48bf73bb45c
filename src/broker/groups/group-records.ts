import { ClassicGroup } from './classic-group.js'
import type { CommittedOffset } from './committed-offsets.js'
import { GroupMember } from './group-member.js'

/**
 * The shapes the group coordinator persists, as JSON: a group as of its last
 * completed generation (what Kafka writes to __consumer_offsets as group
 * metadata), a batch of committed offsets, offsets deleted (OffsetDelete)
 * and a group's deletion. Binary
 * fields are base64 and offsets are decimal strings so that int64 values
 * survive JSON exactly.
 */

export interface StoredMember {
  memberId: string
  groupInstanceId: string | null
  clientId: string
  clientHost: string
  rebalanceTimeoutMs: number
  sessionTimeoutMs: number
  /** The member's subscription for the group's chosen assignor. */
  subscription: string
  assignment: string
}

export interface StoredGroup {
  groupId: string
  protocolType: string | null
  generationId: number
  protocolName: string | null
  leaderId: string | null
  members: StoredMember[]
}

export interface StoredOffset {
  topic: string
  partition: number
  offset: string
  leaderEpoch: number
  metadata: string
  commitTimestamp: number
}

export type GroupLogRecord =
  | { type: 'group'; group: StoredGroup }
  | { type: 'offsets'; groupId: string; offsets: StoredOffset[] }
  | { type: 'delete'; groupId: string }
  | { type: 'delete-offsets'; groupId: string; partitions: StoredPartition[] }

export interface StoredPartition {
  topic: string
  partition: number
}

/** Everything the coordinator holds, written whole when the log is compacted. */
export interface GroupSnapshot {
  format: 1
  groups: StoredGroup[]
  offsets: { groupId: string; offsets: StoredOffset[] }[]
}

export function storeGroup(group: ClassicGroup): StoredGroup {
  const protocol = group.protocolName ?? ''
  return {
    groupId: group.groupId,
    protocolType: group.protocolType,
    generationId: group.generationId,
    protocolName: group.protocolName,
    leaderId: group.leaderId,
    members: [...group.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      rebalanceTimeoutMs: m.rebalanceTimeoutMs,
      sessionTimeoutMs: m.sessionTimeoutMs,
      subscription: m.metadataFor(protocol).toString('base64'),
      assignment: m.assignment.toString('base64'),
    })),
  }
}

/**
 * Rebuilds a group as it was stored: Stable with its members and their
 * assignments (they keep heartbeating as if nothing happened, or expire), or
 * Empty. A member only comes back with the chosen assignor's subscription,
 * which is all a later rebalance needs.
 */
export function restoreGroup(stored: StoredGroup): ClassicGroup {
  const stable = stored.members.length > 0 && stored.protocolName !== null
  const group = new ClassicGroup(stored.groupId, stable ? 'Stable' : 'Empty')
  group.generationId = stored.generationId
  group.protocolType = stored.protocolType
  if (!stable) return group
  group.protocolName = stored.protocolName
  for (const m of stored.members) {
    const member = new GroupMember(
      m.memberId,
      m.groupInstanceId,
      m.clientId,
      m.clientHost,
      m.rebalanceTimeoutMs,
      m.sessionTimeoutMs,
      stored.protocolType ?? '',
      [{ name: stored.protocolName!, metadata: Buffer.from(m.subscription, 'base64') }],
    )
    member.assignment = Buffer.from(m.assignment, 'base64')
    group.add(member)
  }
  if (stored.leaderId !== null && group.has(stored.leaderId)) group.leaderId = stored.leaderId
  return group
}

export function storeOffset(topic: string, partition: number, value: CommittedOffset): StoredOffset {
  return {
    topic,
    partition,
    offset: value.offset.toString(),
    leaderEpoch: value.leaderEpoch,
    metadata: value.metadata,
    commitTimestamp: value.commitTimestamp,
  }
}

export function restoreOffset(stored: StoredOffset): CommittedOffset {
  return {
    offset: BigInt(stored.offset),
    leaderEpoch: stored.leaderEpoch,
    metadata: stored.metadata,
    commitTimestamp: stored.commitTimestamp,
  }
}

/** Checks a parsed log record's shape; a record that passed its CRC but not this is a bug, not a torn write. */
export function parseGroupLogRecord(value: unknown): GroupLogRecord {
  const r = value as Partial<Record<string, unknown>> | null
  if (r === null || typeof r !== 'object') throw new Error('group log record is not an object')
  switch (r.type) {
    case 'group':
      checkGroup(r.group)
      return r as GroupLogRecord
    case 'offsets':
      checkString(r.groupId, 'groupId')
      if (!Array.isArray(r.offsets)) throw new Error('offsets record without offsets')
      for (const o of r.offsets) checkOffset(o)
      return r as GroupLogRecord
    case 'delete':
      checkString(r.groupId, 'groupId')
      return r as GroupLogRecord
    case 'delete-offsets':
      checkString(r.groupId, 'groupId')
      if (!Array.isArray(r.partitions)) throw new Error('delete-offsets record without partitions')
      for (const p of r.partitions) {
        checkString(p?.topic, 'topic')
        checkInteger(p?.partition, 'partition')
      }
      return r as GroupLogRecord
    default:
      throw new Error(`unknown group log record type ${String(r.type)}`)
  }
}

export function parseGroupSnapshot(value: unknown): GroupSnapshot {
  const s = value as Partial<GroupSnapshot> | null
  if (s === null || typeof s !== 'object' || s.format !== 1) throw new Error('unknown group snapshot format')
  if (!Array.isArray(s.groups) || !Array.isArray(s.offsets)) throw new Error('group snapshot is incomplete')
  for (const g of s.groups) checkGroup(g)
  for (const entry of s.offsets) {
    checkString(entry.groupId, 'groupId')
    if (!Array.isArray(entry.offsets)) throw new Error('group snapshot entry without offsets')
    for (const o of entry.offsets) checkOffset(o)
  }
  return s as GroupSnapshot
}

function checkString(value: unknown, what: string): void {
  if (typeof value !== 'string') throw new Error(`${what} must be a string`)
}

function checkInteger(value: unknown, what: string): void {
  if (!Number.isSafeInteger(value)) throw new Error(`${what} must be an integer`)
}

function checkGroup(value: unknown): void {
  const g = value as Partial<StoredGroup> | null
  if (g === null || typeof g !== 'object') throw new Error('stored group is not an object')
  checkString(g.groupId, 'groupId')
  checkInteger(g.generationId, 'generationId')
  if (!Array.isArray(g.members)) throw new Error(`stored group ${g.groupId} has no member list`)
  for (const m of g.members) {
    checkString(m.memberId, 'memberId')
    checkString(m.subscription, 'subscription')
    checkString(m.assignment, 'assignment')
    checkInteger(m.sessionTimeoutMs, 'sessionTimeoutMs')
    checkInteger(m.rebalanceTimeoutMs, 'rebalanceTimeoutMs')
  }
}

function checkOffset(value: unknown): void {
  const o = value as Partial<StoredOffset> | null
  if (o === null || typeof o !== 'object') throw new Error('stored offset is not an object')
  checkString(o.topic, 'topic')
  checkInteger(o.partition, 'partition')
  if (typeof o.offset !== 'string' || !/^-?\d+$/.test(o.offset))
    throw new Error('offset must be a decimal string')
  checkInteger(o.leaderEpoch, 'leaderEpoch')
  checkString(o.metadata, 'metadata')
  checkInteger(o.commitTimestamp, 'commitTimestamp')
}
