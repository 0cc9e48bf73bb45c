import { afterEach } from 'vitest'
import { type ClusterOptions, type RunningCluster, startCluster } from '../../../../src/broker/index.js'
import { Apis } from '../../../../src/protocol/messages/index.js'
import { encodeRecordBatch } from '../../../../src/protocol/records/index.js'
import { WireClient } from '../../support/wire-client.js'

export const ZERO_UUID = '00000000-0000-0000-0000-000000000000'

/** A test cluster with one wire client per node, all closed after each test. */
export interface WiredCluster {
  cluster: RunningCluster
  /** A client connected to each node, by node id. */
  clients: Map<number, WireClient>
  /** A fresh connection to a node (for one that was stopped and started again). */
  connect(nodeId: number): Promise<WireClient>
}

/** Registers the afterEach that closes what `start` made; returns `start`. */
export function useClusters(): (options?: ClusterOptions) => Promise<WiredCluster> {
  const cleanups: (() => Promise<void>)[] = []
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c()
  })
  return async (options = {}) => {
    const cluster = await startCluster({
      nodes: 3,
      port: 0,
      logger: 'silent',
      groupInitialRebalanceDelayMs: 0,
      ...options,
    })
    cleanups.push(() => cluster.close())
    const connect = async (nodeId: number) => {
      const node = cluster.nodes.find((n) => n.nodeId === nodeId)
      if (!node) throw new Error(`no node ${nodeId}`)
      const client = await WireClient.connect(node.bootstrap)
      cleanups.push(() => client.close())
      return client
    }
    const clients = new Map<number, WireClient>()
    for (const n of cluster.nodes) clients.set(n.nodeId, await connect(n.nodeId))
    return { cluster, clients, connect }
  }
}

export function batchOf(values: string[]): Buffer {
  return encodeRecordBatch(values.map((v) => ({ key: null, value: Buffer.from(v), timestamp: 1_000 })))
}

export function produce(client: WireClient, topic: string, partition: number, values: string[]) {
  return client.send(Apis.Produce, 9, {
    acks: -1,
    timeoutMs: 5000,
    transactionalId: null,
    topicData: [{ name: topic, partitionData: [{ index: partition, records: batchOf(values) }] }],
  })
}

/** Produces and returns the partition's error code and base offset. */
export async function produceOne(client: WireClient, topic: string, partition: number, values: string[]) {
  const r = await produce(client, topic, partition, values)
  const p = r.responses[0].partitionResponses[0]
  return { errorCode: p.errorCode, baseOffset: p.baseOffset }
}

export function fetchRequest(
  topic: string,
  partition: number,
  fetchOffset: bigint,
  currentLeaderEpoch = -1,
  wait: { maxWaitMs: number; minBytes: number } = { maxWaitMs: 0, minBytes: 1 },
  /** v13+ name topics by id. */
  topicId = ZERO_UUID,
) {
  return {
    replicaId: -1,
    maxWaitMs: wait.maxWaitMs,
    minBytes: wait.minBytes,
    maxBytes: 1 << 20,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [
      {
        topic,
        topicId,
        partitions: [
          {
            partition,
            currentLeaderEpoch,
            fetchOffset,
            lastFetchedEpoch: -1,
            logStartOffset: -1n,
            partitionMaxBytes: 1 << 20,
          },
        ],
      },
    ],
    forgottenTopicsData: [],
    rackId: '',
  }
}

export async function metadata(client: WireClient, topics: string[] | null = null) {
  return client.send(Apis.Metadata, 12, {
    topics: topics === null ? null : topics.map((name) => ({ name, topicId: ZERO_UUID })),
    allowAutoTopicCreation: false,
    includeTopicAuthorizedOperations: false,
  })
}

export async function createTopic(
  client: WireClient,
  name: string,
  numPartitions: number,
  replicationFactor = 3,
) {
  const r = await client.send(Apis.CreateTopics, 7, {
    topics: [{ name, numPartitions, replicationFactor, assignments: [], configs: [] }],
    timeoutMs: 1000,
    validateOnly: false,
  })
  return r.topics[0]
}

export function offsetForLeaderEpoch(
  client: WireClient,
  topic: string,
  partition: number,
  leaderEpoch: number,
  currentLeaderEpoch = -1,
) {
  return client
    .send(Apis.OffsetForLeaderEpoch, 4, {
      replicaId: -1,
      topics: [{ topic, partitions: [{ partition, currentLeaderEpoch, leaderEpoch }] }],
    })
    .then((r) => r.topics[0].partitions[0])
}

export function listOffsets(
  client: WireClient,
  topic: string,
  partition: number,
  timestamp: bigint,
  currentLeaderEpoch = -1,
) {
  return client
    .send(Apis.ListOffsets, 7, {
      replicaId: -1,
      isolationLevel: 0,
      topics: [{ name: topic, partitions: [{ partitionIndex: partition, currentLeaderEpoch, timestamp }] }],
    })
    .then((r) => r.topics[0].partitions[0])
}
