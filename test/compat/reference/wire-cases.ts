import { Apis } from '../../../src/protocol/messages/index.js'
import { encodeRecordBatch } from '../../../src/protocol/records/index.js'
import type { WireClient } from '../../broker/support/wire-client.js'
import { fetchBody } from '../../broker/support/wire-helpers.js'

/**
 * Requests a client may send whose answers must be the same from the
 * embedded broker and from Apache Kafka: error paths above all (unknown
 * topics and partitions, bad names, out-of-range offsets, unknown groups and
 * members, corrupt batches), since the compatibility scenarios mostly walk
 * the happy path. Each case reduces its answer to what a client acts on
 * (error codes, counts, offsets), leaving out what may rightly differ (error
 * message texts, throttle times, member ids, node ids).
 */

/** A topic every case may read: created before the cases run, PARTITIONS partitions, RECORDS records in partition 0. */
export const TOPIC = 'wire-answers'
export const PARTITIONS = 2
export const RECORDS = 3

export interface WireCase {
  readonly name: string
  /** Runs on a fresh connection; `unique` makes group and topic names of its own. */
  ask(client: WireClient, unique: string): Promise<unknown>
}

const NO_ID = '00000000-0000-0000-0000-000000000000'
/**
 * Makes sure the group (and with `transactions`, the transaction) coordinator
 * serves: Kafka creates their topics on first use. The embedded broker has no
 * transaction coordinator (it refuses transactional ids), so it is asked for
 * the group one only.
 */
export async function warmUpCoordinators(client: WireClient, transactions: boolean): Promise<void> {
  for (const keyType of transactions ? [0, 1] : [0]) {
    for (let attempt = 0; ; attempt++) {
      const r = await client.send(Apis.FindCoordinator, 4, { keyType, coordinatorKeys: ['warm-up'] })
      if (r.coordinators[0].errorCode === 0) break
      if (attempt > 300)
        throw new Error(`no coordinator of key type ${keyType}: ${r.coordinators[0].errorCode}`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  for (let attempt = 0; transactions; attempt++) {
    const r = await client.send(Apis.InitProducerId, 4, {
      transactionalId: 'warm-up',
      transactionTimeoutMs: 60_000,
      producerId: -1n,
      producerEpoch: -1,
    })
    if (r.errorCode !== 14 && r.errorCode !== 15 && r.errorCode !== 16) break
    if (attempt > 300) throw new Error(`transaction coordinator not ready: ${r.errorCode}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  // a coordinator that was just elected still loads its partition (NOT_COORDINATOR / COORDINATOR_LOAD_IN_PROGRESS)
  for (let attempt = 0; ; attempt++) {
    const r = await join(client, `warm-up-${attempt}`)
    if (r.errorCode !== 14 && r.errorCode !== 15 && r.errorCode !== 16) break
    if (attempt > 300) throw new Error(`group coordinator not ready: ${r.errorCode}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

const batch = (...values: string[]) =>
  encodeRecordBatch(values.map((v, i) => ({ value: Buffer.from(v), timestamp: 1_700_000_000_000 + i })))

async function produceTo(client: WireClient, topic: string, partition: number, records: Buffer, acks = -1) {
  const r = await client.send(Apis.Produce, 9, {
    acks,
    timeoutMs: 5000,
    topicData: [{ name: topic, partitionData: [{ index: partition, records }] }],
  })
  const p = r.responses[0].partitionResponses[0]
  return { errorCode: p.errorCode, baseOffset: p.baseOffset }
}

async function createTopic(client: WireClient, name: string, numPartitions: number, replicationFactor = 1) {
  const r = await client.send(Apis.CreateTopics, 7, {
    topics: [{ name, numPartitions, replicationFactor, assignments: [], configs: [] }],
    timeoutMs: 5000,
    validateOnly: false,
  })
  if (r.topics[0].errorCode === 0) await served(client, name)
  return { errorCode: r.topics[0].errorCode, numPartitions: r.topics[0].numPartitions }
}

/** Waits until Metadata shows every partition of a new topic with a leader (at once on the embedded broker). */
export async function served(client: WireClient, topic: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const r = await client.send(Apis.Metadata, 12, {
      topics: [{ name: topic, topicId: NO_ID }],
      allowAutoTopicCreation: false,
    })
    const t = r.topics[0]
    if (t.errorCode === 0 && t.partitions.length > 0 && t.partitions.every((p) => p.leaderId >= 0)) return
    if (attempt > 100) throw new Error(`${topic} never served: error ${t.errorCode}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

async function join(client: WireClient, groupId: string, memberId = '') {
  const r = await client.send(Apis.JoinGroup, 7, {
    groupId,
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 10_000,
    memberId,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: Buffer.from([0, 1, 0, 0, 0, 0, 0, 0, 0, 0]) }],
  })
  return r
}

/** An idempotent producer's InitProducerId, retried while a Kafka node still fetches its first block of ids. */
async function initProducerId(client: WireClient, producerId: bigint, producerEpoch: number) {
  for (let attempt = 0; ; attempt++) {
    const r = await client.send(Apis.InitProducerId, 4, {
      transactionalId: null,
      transactionTimeoutMs: 60_000,
      producerId,
      producerEpoch,
    })
    if (r.errorCode !== 14 || attempt > 50) return r
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

export const WIRE_CASES: readonly WireCase[] = [
  {
    name: 'Metadata v12 for an unknown topic without auto-creation',
    async ask(c, u) {
      const r = await c.send(Apis.Metadata, 12, {
        topics: [{ name: `nope-${u}`, topicId: NO_ID }],
        allowAutoTopicCreation: false,
      })
      return { errorCode: r.topics[0].errorCode, partitions: r.topics[0].partitions.length }
    },
  },
  {
    name: 'Metadata v12 for a topic name with illegal characters',
    async ask(c) {
      const r = await c.send(Apis.Metadata, 12, {
        topics: [{ name: 'bad name!', topicId: NO_ID }],
        allowAutoTopicCreation: true,
      })
      return { errorCode: r.topics[0].errorCode, partitions: r.topics[0].partitions.length }
    },
  },
  {
    name: 'Metadata v12 for the test topic: partitions, leader epochs, offline replicas',
    async ask(c) {
      const r = await c.send(Apis.Metadata, 12, {
        topics: [{ name: TOPIC, topicId: NO_ID }],
        allowAutoTopicCreation: false,
      })
      const t = r.topics[0]
      return {
        errorCode: t.errorCode,
        isInternal: t.isInternal,
        hasTopicId: t.topicId !== NO_ID,
        // in partition order: Kafka lists them in no particular order, and clients index them anyway
        partitions: [...t.partitions]
          .sort((a, b) => a.partitionIndex - b.partitionIndex)
          .map((p) => ({
            errorCode: p.errorCode,
            partitionIndex: p.partitionIndex,
            leaderEpoch: p.leaderEpoch,
            replicas: p.replicaNodes.length,
            isr: p.isrNodes.length,
            offline: p.offlineReplicas.length,
          })),
        topicAuthorizedOperations: t.topicAuthorizedOperations,
      }
    },
  },
  {
    name: 'CreateTopics v7 for a topic that exists',
    ask: (c) => createTopic(c, TOPIC, 1),
  },
  {
    name: 'CreateTopics v7 with zero partitions',
    ask: (c, u) => createTopic(c, `zero-${u}`, 0),
  },
  {
    name: 'CreateTopics v7 with a replication factor above the number of brokers',
    ask: (c, u) => createTopic(c, `rf-${u}`, 1, 3),
  },
  {
    name: 'CreateTopics v7 with a name with a slash',
    ask: (c) => createTopic(c, 'a/b', 1),
  },
  {
    name: 'CreateTopics v7 with a 250-character name',
    ask: (c) => createTopic(c, 'x'.repeat(250), 1),
  },
  {
    name: 'CreateTopics v7 named "."',
    ask: (c) => createTopic(c, '.', 1),
  },
  {
    name: 'CreateTopics v7 with default partitions and replication factor (-1)',
    ask: (c, u) => createTopic(c, `defaults-${u}`, -1, -1),
  },
  {
    name: 'CreateTopics v7 with an unknown topic config',
    async ask(c, u) {
      const r = await c.send(Apis.CreateTopics, 7, {
        topics: [
          {
            name: `cfg-${u}`,
            numPartitions: 1,
            replicationFactor: 1,
            assignments: [],
            configs: [{ name: 'no.such.config', value: '1' }],
          },
        ],
        timeoutMs: 5000,
        validateOnly: false,
      })
      return { errorCode: r.topics[0].errorCode }
    },
  },
  {
    name: 'CreateTopics v7 with retention.ms not a number',
    async ask(c, u) {
      const r = await c.send(Apis.CreateTopics, 7, {
        topics: [
          {
            name: `cfg2-${u}`,
            numPartitions: 1,
            replicationFactor: 1,
            assignments: [],
            configs: [{ name: 'retention.ms', value: 'soon' }],
          },
        ],
        timeoutMs: 5000,
        validateOnly: false,
      })
      return { errorCode: r.topics[0].errorCode }
    },
  },
  {
    name: 'CreatePartitions v3 to fewer partitions',
    async ask(c) {
      const r = await c.send(Apis.CreatePartitions, 3, {
        topics: [{ name: TOPIC, count: 1, assignments: null }],
        timeoutMs: 5000,
        validateOnly: false,
      })
      return { errorCode: r.results[0].errorCode }
    },
  },
  {
    name: 'CreatePartitions v3 for an unknown topic',
    async ask(c, u) {
      const r = await c.send(Apis.CreatePartitions, 3, {
        topics: [{ name: `nope-${u}`, count: 4, assignments: null }],
        timeoutMs: 5000,
        validateOnly: false,
      })
      return { errorCode: r.results[0].errorCode }
    },
  },
  {
    name: 'DeleteTopics v6 for an unknown topic',
    async ask(c, u) {
      const r = await c.send(Apis.DeleteTopics, 6, {
        topics: [{ name: `nope-${u}`, topicId: NO_ID }],
        timeoutMs: 5000,
      })
      return { errorCode: r.responses[0].errorCode }
    },
  },
  {
    name: 'Produce v9 to a partition the topic does not have',
    ask: (c) => produceTo(c, TOPIC, 7, batch('x')),
  },
  {
    name: 'Produce v9 to an unknown topic (Produce never auto-creates)',
    ask: (c, u) => produceTo(c, `nope-${u}`, 0, batch('x')),
  },
  {
    name: 'Produce v9 with acks=2',
    async ask(c, u) {
      await createTopic(c, `acks-${u}`, 1)
      return produceTo(c, `acks-${u}`, 0, batch('x'), 2)
    },
  },
  {
    name: 'Produce v9 with a corrupt batch CRC',
    async ask(c, u) {
      await createTopic(c, `crc-${u}`, 1)
      const records = batch('a', 'b')
      records[records.length - 1] ^= 0xff
      return produceTo(c, `crc-${u}`, 0, records)
    },
  },
  {
    name: 'Produce v9 of a batch with a non-zero base offset (the broker assigns offsets)',
    async ask(c, u) {
      await createTopic(c, `base-${u}`, 1)
      const records = batch('a', 'b')
      records.writeBigInt64BE(1000n, 0)
      const first = await produceTo(c, `base-${u}`, 0, records)
      const second = await produceTo(c, `base-${u}`, 0, batch('c'))
      return { first, second }
    },
  },
  {
    name: 'Fetch v12 past the end of a partition',
    async ask(c) {
      const r = await c.send(Apis.Fetch, 12, fetchBody(TOPIC, 0, 1000n))
      const p = r.responses[0].partitions[0]
      return { errorCode: p.errorCode, highWatermark: p.highWatermark, logStartOffset: p.logStartOffset }
    },
  },
  {
    name: 'Fetch v12 at the end of a partition (nothing new yet)',
    async ask(c) {
      const r = await c.send(Apis.Fetch, 12, fetchBody(TOPIC, 0, BigInt(RECORDS)))
      const p = r.responses[0].partitions[0]
      return { errorCode: p.errorCode, highWatermark: p.highWatermark, records: p.records?.length ?? 0 }
    },
  },
  {
    name: 'Fetch v12 for a partition the topic does not have',
    async ask(c) {
      const r = await c.send(Apis.Fetch, 12, fetchBody(TOPIC, 9, 0n))
      return { errorCode: r.errorCode, partitionError: r.responses[0]?.partitions[0]?.errorCode }
    },
  },
  {
    name: 'Fetch v12 for an unknown topic',
    async ask(c, u) {
      const r = await c.send(Apis.Fetch, 12, fetchBody(`nope-${u}`, 0, 0n))
      return { errorCode: r.errorCode, partitionError: r.responses[0]?.partitions[0]?.errorCode }
    },
  },
  {
    name: 'ListOffsets v7: earliest, latest, max timestamp (-3), a timestamp, and a partition the topic does not have',
    async ask(c) {
      const out: unknown[] = []
      for (const [partitionIndex, timestamp] of [
        [0, -2n],
        [0, -1n],
        [0, -3n],
        [0, 1_700_000_000_001n],
        [5, -1n],
      ] as const) {
        const r = await c.send(Apis.ListOffsets, 7, {
          replicaId: -1,
          isolationLevel: 0,
          topics: [{ name: TOPIC, partitions: [{ partitionIndex, currentLeaderEpoch: -1, timestamp }] }],
        })
        const p = r.topics[0].partitions[0]
        out.push({
          errorCode: p.errorCode,
          offset: p.offset,
          timestamp: p.timestamp,
          leaderEpoch: p.leaderEpoch,
        })
      }
      return out
    },
  },
  {
    name: 'ListOffsets v7 naming one partition twice',
    async ask(c) {
      const r = await c.send(Apis.ListOffsets, 7, {
        replicaId: -1,
        isolationLevel: 0,
        topics: [
          {
            name: TOPIC,
            partitions: [
              { partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -2n },
              { partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n },
            ],
          },
        ],
      })
      return r.topics[0].partitions.map((p) => ({
        partitionIndex: p.partitionIndex,
        errorCode: p.errorCode,
        offset: p.offset,
      }))
    },
  },
  {
    name: 'ListOffsets v7 with a future leader epoch',
    async ask(c) {
      const r = await c.send(Apis.ListOffsets, 7, {
        replicaId: -1,
        isolationLevel: 0,
        topics: [
          { name: TOPIC, partitions: [{ partitionIndex: 0, currentLeaderEpoch: 50, timestamp: -1n }] },
        ],
      })
      return { errorCode: r.topics[0].partitions[0].errorCode }
    },
  },
  {
    name: 'OffsetForLeaderEpoch v4 for epoch 0 and for a future epoch',
    async ask(c) {
      const r = await c.send(Apis.OffsetForLeaderEpoch, 4, {
        replicaId: -1,
        topics: [
          {
            topic: TOPIC,
            partitions: [
              { partition: 0, currentLeaderEpoch: -1, leaderEpoch: 0 },
              { partition: 1, currentLeaderEpoch: 7, leaderEpoch: 0 },
            ],
          },
        ],
      })
      return r.topics[0].partitions.map((p) => ({
        errorCode: p.errorCode,
        leaderEpoch: p.leaderEpoch,
        endOffset: p.endOffset,
      }))
    },
  },
  {
    name: 'DeleteRecords v2 past the high watermark',
    async ask(c) {
      const r = await c.send(Apis.DeleteRecords, 2, {
        topics: [{ name: TOPIC, partitions: [{ partitionIndex: 1, offset: 10n }] }],
        timeoutMs: 5000,
      })
      const p = r.topics[0].partitions[0]
      return { errorCode: p.errorCode, lowWatermark: p.lowWatermark }
    },
  },
  {
    name: 'DescribeConfigs v4 of an unknown topic',
    async ask(c, u) {
      const r = await c.send(Apis.DescribeConfigs, 4, {
        resources: [{ resourceType: 2, resourceName: `nope-${u}`, configurationKeys: null }],
        includeSynonyms: false,
        includeDocumentation: false,
      })
      return { errorCode: r.results[0].errorCode, configs: r.results[0].configs.length }
    },
  },
  {
    name: 'DescribeConfigs v4 of the test topic: common configs and their values',
    async ask(c) {
      // not min.insync.replicas: the rig's server.properties sets it, which Kafka 4 records as a cluster default
      const keys = [
        'cleanup.policy',
        'compression.type',
        'max.message.bytes',
        'message.timestamp.type',
        'retention.bytes',
        'segment.bytes',
      ]
      const r = await c.send(Apis.DescribeConfigs, 4, {
        resources: [{ resourceType: 2, resourceName: TOPIC, configurationKeys: keys }],
        includeSynonyms: false,
        includeDocumentation: false,
      })
      return {
        errorCode: r.results[0].errorCode,
        configs: r.results[0].configs
          .map((e) => [e.name, e.value, e.readOnly, e.configSource, e.isSensitive])
          .sort(),
      }
    },
  },
  {
    name: 'FindCoordinator v4 for a group and for an unsupported key type',
    async ask(c, u) {
      const group = await c.send(Apis.FindCoordinator, 4, { keyType: 0, coordinatorKeys: [`g-${u}`] })
      const bad = await c.send(Apis.FindCoordinator, 4, { keyType: 5, coordinatorKeys: [`g-${u}`] }).then(
        (r) => r.coordinators[0]?.errorCode,
        (err: Error) => err.message,
      )
      return { group: group.coordinators[0].errorCode, badKeyType: bad }
    },
  },
  {
    name: 'JoinGroup v7 without a member id (KIP-394), then with the given one',
    async ask(c, u) {
      const first = await join(c, `g-${u}`)
      const second = await join(c, `g-${u}`, first.memberId)
      return {
        first: {
          errorCode: first.errorCode,
          gotMemberId: first.memberId !== '',
          generationId: first.generationId,
        },
        second: {
          errorCode: second.errorCode,
          generationId: second.generationId,
          leaderIsSelf: second.leader === second.memberId,
          members: second.members.length,
          protocolName: second.protocolName,
          protocolType: second.protocolType,
        },
      }
    },
  },
  {
    name: 'JoinGroup v7 with a session timeout below group.min.session.timeout.ms',
    async ask(c, u) {
      const r = await c.send(Apis.JoinGroup, 7, {
        groupId: `g-${u}`,
        sessionTimeoutMs: 100,
        rebalanceTimeoutMs: 10_000,
        memberId: '',
        protocolType: 'consumer',
        protocols: [{ name: 'range', metadata: Buffer.alloc(0) }],
      })
      return { errorCode: r.errorCode }
    },
  },
  {
    name: 'JoinGroup v7 with an empty group id',
    async ask(c) {
      const r = await join(c, '')
      return { errorCode: r.errorCode }
    },
  },
  {
    name: 'Heartbeat v4, SyncGroup v5 and LeaveGroup v4 for an unknown group',
    async ask(c, u) {
      const groupId = `g-${u}`
      const hb = await c.send(Apis.Heartbeat, 4, { groupId, generationId: 1, memberId: 'm' })
      const sync = await c.send(Apis.SyncGroup, 5, {
        groupId,
        generationId: 1,
        memberId: 'm',
        protocolType: 'consumer',
        protocolName: 'range',
        assignments: [],
      })
      const leave = await c.send(Apis.LeaveGroup, 4, {
        groupId,
        members: [{ memberId: 'm', groupInstanceId: null }],
      })
      return {
        heartbeat: hb.errorCode,
        syncGroup: sync.errorCode,
        leaveGroup: leave.errorCode,
        leaveMembers: leave.members.map((m) => m.errorCode),
      }
    },
  },
  {
    name: 'Heartbeat v4 with a stale generation, and an unknown member, of a live group',
    async ask(c, u) {
      const groupId = `g-${u}`
      const first = await join(c, groupId)
      const joined = await join(c, groupId, first.memberId)
      const stale = await c.send(Apis.Heartbeat, 4, {
        groupId,
        generationId: joined.generationId - 1,
        memberId: joined.memberId,
      })
      const stranger = await c.send(Apis.Heartbeat, 4, {
        groupId,
        generationId: joined.generationId,
        memberId: 'stranger',
      })
      return { stale: stale.errorCode, stranger: stranger.errorCode }
    },
  },
  {
    name: 'OffsetCommit v8 outside any generation (a simple consumer), then OffsetFetch v8',
    async ask(c, u) {
      const groupId = `g-${u}`
      const commit = await c.send(Apis.OffsetCommit, 8, {
        groupId,
        generationId: -1,
        memberId: '',
        topics: [
          {
            name: TOPIC,
            partitions: [
              { partitionIndex: 0, committedOffset: 2n, committedLeaderEpoch: -1, committedMetadata: 'meta' },
            ],
          },
        ],
      })
      const fetched = await c.send(Apis.OffsetFetch, 8, {
        groups: [{ groupId, topics: [{ name: TOPIC, partitionIndexes: [0, 1] }] }],
        requireStable: true,
      })
      const g = fetched.groupIds[0]
      return {
        commit: (commit as { topics: { partitions: { errorCode: number }[] }[] }).topics[0].partitions[0]
          .errorCode,
        fetch: {
          errorCode: g.errorCode,
          partitions: g.topics[0].partitions.map((p) => [
            p.partitionIndex,
            p.committedOffset,
            p.metadata,
            p.errorCode,
          ]),
        },
      }
    },
  },
  {
    name: 'OffsetCommit v8 to a partition the topic does not have, and to an unknown topic',
    async ask(c, u) {
      const r = await c.send(Apis.OffsetCommit, 8, {
        groupId: `g-${u}`,
        generationId: -1,
        memberId: '',
        topics: [
          {
            name: TOPIC,
            partitions: [
              { partitionIndex: 9, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: null },
            ],
          },
          {
            name: `nope-${u}`,
            partitions: [
              { partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: null },
            ],
          },
        ],
      })
      return (r as { topics: { partitions: { errorCode: number }[] }[] }).topics.map(
        (t) => t.partitions[0].errorCode,
      )
    },
  },
  {
    name: 'OffsetFetch v8 of an unknown group',
    async ask(c, u) {
      const r = await c.send(Apis.OffsetFetch, 8, {
        groups: [{ groupId: `g-${u}`, topics: [{ name: TOPIC, partitionIndexes: [0] }] }],
        requireStable: false,
      })
      const g = r.groupIds[0]
      return {
        errorCode: g.errorCode,
        partitions: g.topics[0].partitions.map((p) => [p.committedOffset, p.metadata, p.errorCode]),
      }
    },
  },
  {
    name: 'DescribeGroups v5 and DeleteGroups v2 of an unknown group',
    async ask(c, u) {
      const d = await c.send(Apis.DescribeGroups, 5, {
        groups: [`g-${u}`],
        includeAuthorizedOperations: false,
      })
      const del = await c.send(Apis.DeleteGroups, 2, { groupsNames: [`g-${u}`] })
      const g = d.groups[0]
      return {
        describe: {
          errorCode: g.errorCode,
          state: g.groupState,
          protocolType: g.protocolType,
          members: g.members.length,
        },
        delete: del.results[0].errorCode,
      }
    },
  },
  {
    name: 'ListGroups v4 with a state filter',
    async ask(c, u) {
      const first = await join(c, `listed-${u}`)
      await join(c, `listed-${u}`, first.memberId)
      // Kafka 4 lists groups as of the last offset its coordinator committed to __consumer_offsets,
      // so a group that just joined shows a moment later there (at once on the embedded broker)
      for (let attempt = 0; ; attempt++) {
        const r = await c.send(Apis.ListGroups, 4, { statesFilter: ['CompletingRebalance'] })
        const listed = r.groups
          .filter((g) => g.groupId === `listed-${u}`)
          .map((g) => [g.protocolType, g.groupState])
        if (listed.length > 0 || attempt >= 50) return { errorCode: r.errorCode, listed }
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    },
  },
  {
    name: 'InitProducerId v4 presenting the id and epoch just handed out (KIP-360)',
    async ask(c) {
      const first = await initProducerId(c, -1n, -1)
      const again = await initProducerId(c, first.producerId, first.producerEpoch)
      return {
        errorCode: again.errorCode,
        sameId: again.producerId === first.producerId,
        epoch: again.producerEpoch,
      }
    },
  },
  {
    name: 'InitProducerId v4 presenting an id with an epoch it never had',
    async ask(c) {
      const first = await initProducerId(c, -1n, -1)
      const wrong = await initProducerId(c, first.producerId, first.producerEpoch + 5)
      return {
        errorCode: wrong.errorCode,
        sameId: wrong.producerId === first.producerId,
        epoch: wrong.producerEpoch,
      }
    },
  },
  {
    name: 'InitProducerId v4 with a transactional id',
    async ask(c, u) {
      const r = await c.send(Apis.InitProducerId, 4, {
        transactionalId: `tx-${u}`,
        transactionTimeoutMs: 60_000,
        producerId: -1n,
        producerEpoch: -1,
      })
      return { errorCode: r.errorCode }
    },
  },
  {
    name: 'SaslHandshake v1 on a listener without SASL',
    async ask(c) {
      const r = await c.send(Apis.SaslHandshake, 1, { mechanism: 'PLAIN' })
      return { errorCode: r.errorCode, mechanisms: r.mechanisms }
    },
  },
]
