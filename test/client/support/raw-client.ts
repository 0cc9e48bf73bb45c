import type { KafkaOptions } from '../../../src/client/client-options.js'
import { resolveKafkaOptions } from '../../../src/client/client-options.js'
import { Cluster } from '../../../src/client/cluster/cluster.js'
import { encodeAssignment, encodeSubscription } from '../../../src/protocol/consumer-protocol.js'
import { ErrorCode, KafkaError } from '../../../src/protocol/error-codes.js'
import { Apis } from '../../../src/protocol/messages/index.js'
import { encodeRecordBatch } from '../../../src/protocol/records/index.js'

/**
 * What admin tests need before the producer and consumer exist: records
 * written with one Produce request, and a consumer-group member that joins
 * with JoinGroup/SyncGroup, holds partitions, and leaves. Both go through
 * the client core (Cluster) so they run the same against any broker.
 */

export function rawCluster(options: Partial<KafkaOptions> & { brokers: KafkaOptions['brokers'] }): Cluster {
  return new Cluster(resolveKafkaOptions({ logger: 'silent', ...options }))
}

export interface RawRecord {
  key?: string
  value: string
  timestamp?: number
}

/** Runs `fn` with the client's retry policy, refreshing metadata and coordinators as admin calls do. */
function retrying<T>(
  cluster: Cluster,
  what: string,
  fn: () => Promise<T>,
  context: { topics?: string[]; group?: string },
) {
  return cluster.retry.run(what, fn, {
    timeoutMs: 30_000,
    onRetry: (error, recovery) => cluster.recover(error, recovery, context),
  })
}

/** Appends records to one partition (acks all) and returns the offset of the first. */
export function produceRaw(
  cluster: Cluster,
  topic: string,
  partition: number,
  records: readonly RawRecord[],
) {
  return retrying(cluster, 'produce', () => produceOnce(cluster, topic, partition, records), {
    topics: [topic],
  })
}

async function produceOnce(
  cluster: Cluster,
  topic: string,
  partition: number,
  records: readonly RawRecord[],
) {
  const metadata = await cluster.topicMetadata([topic])
  const leader = metadata.get(topic)!.partitions[partition].leaderId
  const batch = encodeRecordBatch(
    records.map((r) => ({
      key: r.key === undefined ? null : Buffer.from(r.key),
      value: Buffer.from(r.value),
      timestamp: r.timestamp,
    })),
  )
  const answer = await cluster.send(leader, Apis.Produce, {
    acks: -1,
    timeoutMs: 10_000,
    topicData: [{ name: topic, partitionData: [{ index: partition, records: batch }] }],
  })
  const p = answer.responses[0].partitionResponses[0]
  if (p.errorCode !== ErrorCode.NONE) throw new KafkaError(p.errorCode, { topic, partition })
  return p.baseOffset
}

export interface RawMember {
  readonly memberId: string
  readonly generationId: number
  leave(): Promise<void>
}

/**
 * Joins a consumer group as its only member and takes every partition of
 * `topics` (the member is the leader and assigns them all to itself).
 */
export function joinGroupRaw(
  cluster: Cluster,
  groupId: string,
  topics: readonly string[],
  partitions: number,
): Promise<RawMember> {
  // the first group of a Kafka cluster creates __consumer_offsets: NOT_COORDINATOR for a moment
  return retrying(cluster, 'join group', () => joinOnce(cluster, groupId, topics, partitions), {
    group: groupId,
  })
}

async function joinOnce(
  cluster: Cluster,
  groupId: string,
  topics: readonly string[],
  partitions: number,
): Promise<RawMember> {
  const coordinator = await cluster.coordinator(groupId)
  const subscription = encodeSubscription({ topics: [...topics], userData: null, ownedPartitions: [] })
  const join = (memberId: string) =>
    cluster.send(coordinator, Apis.JoinGroup, {
      groupId,
      sessionTimeoutMs: 30_000,
      rebalanceTimeoutMs: 30_000,
      memberId,
      groupInstanceId: null,
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: subscription }],
    })
  let joined = await join('')
  if (joined.errorCode === ErrorCode.MEMBER_ID_REQUIRED) joined = await join(joined.memberId)
  if (joined.errorCode !== ErrorCode.NONE) throw new KafkaError(joined.errorCode, { group: groupId })
  const assignment = encodeAssignment({
    assignedPartitions: topics.map((topic) => ({ topic, partitions: [...Array(partitions).keys()] })),
    userData: null,
  })
  const synced = await cluster.send(coordinator, Apis.SyncGroup, {
    groupId,
    generationId: joined.generationId,
    memberId: joined.memberId,
    groupInstanceId: null,
    protocolType: 'consumer',
    protocolName: 'range',
    assignments: [{ memberId: joined.memberId, assignment }],
  })
  if (synced.errorCode !== ErrorCode.NONE) throw new KafkaError(synced.errorCode, { group: groupId })
  return {
    memberId: joined.memberId,
    generationId: joined.generationId,
    leave: async () => {
      const left = await cluster.send(coordinator, Apis.LeaveGroup, {
        groupId,
        memberId: joined.memberId,
        members: [{ memberId: joined.memberId, groupInstanceId: null }],
      })
      if (left.errorCode !== ErrorCode.NONE) throw new KafkaError(left.errorCode, { group: groupId })
    },
  }
}

/** Commits offsets as a member of its generation (what a consumer does). */
export async function commitAsMember(
  cluster: Cluster,
  groupId: string,
  member: RawMember,
  topic: string,
  offsets: Record<number, bigint>,
) {
  const coordinator = await cluster.coordinator(groupId)
  const answer = await cluster.send(coordinator, Apis.OffsetCommit, {
    groupId,
    generationId: member.generationId,
    memberId: member.memberId,
    groupInstanceId: null,
    topics: [
      {
        name: topic,
        partitions: Object.entries(offsets).map(([p, offset]) => ({
          partitionIndex: Number(p),
          committedOffset: offset,
          committedMetadata: null,
        })),
      },
    ],
  })
  for (const t of answer.topics) {
    for (const p of t.partitions) {
      if (p.errorCode !== ErrorCode.NONE)
        throw new KafkaError(p.errorCode, { topic, partition: p.partitionIndex })
    }
  }
}
