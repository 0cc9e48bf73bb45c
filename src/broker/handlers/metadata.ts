/**
 * Metadata (3), versions 0-12.
 * - Brokers: the live nodes at the addresses their listeners really bound
 *   (this node alone for a lone broker); controller: a live node.
 * - All topics for a v0 empty list or a v1+ null list; otherwise those named
 *   (or, v12+, given by topic id). Before v12 a null name or a topic id is
 *   INVALID_REQUEST for every requested topic, with no brokers: Kafka throws
 *   InvalidRequestException there, which answers through getErrorResponse.
 * - An unknown topic is created on the spot when the broker allows it and the
 *   request does too (v4+ `allowAutoTopicCreation`), and is answered at once
 *   with its partitions rather than LEADER_NOT_AVAILABLE: there is no leader
 *   election to wait for.
 * - Per partition, from the cluster view: leader and leader epoch (0 for a
 *   lone broker), replicas = every node (preferred leader first), ISR = the
 *   live ones, offline replicas = the stopped ones; LEADER_NOT_AVAILABLE
 *   with leader -1 while no node can lead.
 */
import { ErrorCode } from '../../protocol/error-codes.js'
import { Apis } from '../../protocol/messages/index.js'
import type { MessageInput } from '../../protocol/schema.js'
import type { BrokerContext } from '../broker-context.js'
import { errorResponseFor } from '../faults/error-responses.js'
import type { Topic } from '../topics/topic.js'
import { invalidTopicNameReason } from '../topics/topic-name.js'
import {
  ALL_CLUSTER_OPERATIONS,
  ALL_TOPIC_OPERATIONS,
  OPERATIONS_NOT_REQUESTED,
} from './authorized-operations.js'
import { defineHandler } from './handler.js'

const ZERO_UUID = '00000000-0000-0000-0000-000000000000'

export const metadataHandler = defineHandler({
  api: Apis.Metadata,
  minVersion: 0,
  maxVersion: 12,
  async handle(body, { broker, version }) {
    const wantsAll = body.topics === null || (version === 0 && body.topics.length === 0)
    const operations = body.includeTopicAuthorizedOperations ? ALL_TOPIC_OPERATIONS : OPERATIONS_NOT_REQUESTED
    if (version < 12 && body.topics?.some((t) => t.name === null || t.topicId !== ZERO_UUID)) {
      // Kafka throws InvalidRequestException here, which answers every topic with INVALID_REQUEST
      return errorResponseFor(Apis.Metadata, body as never, {
        errorCode: ErrorCode.INVALID_REQUEST,
        message: `Metadata v${version} does not support topic ids or null topic names`,
        version,
      }) as MessageInput<typeof Apis.Metadata.response>
    }
    const topics = []
    if (wantsAll) {
      for (const topic of broker.topics.list()) topics.push(describeTopic(broker, topic, operations))
    } else {
      for (const requested of body.topics ?? []) {
        topics.push(await lookUp(broker, requested, body.allowAutoTopicCreation, operations))
      }
    }
    return {
      throttleTimeMs: 0,
      brokers: broker.cluster
        .liveNodes()
        .map((n) => ({ nodeId: n.nodeId, host: n.host, port: n.port, rack: null })),
      clusterId: broker.clusterId,
      controllerId: broker.cluster.controllerId(),
      topics,
      clusterAuthorizedOperations: body.includeClusterAuthorizedOperations
        ? ALL_CLUSTER_OPERATIONS
        : OPERATIONS_NOT_REQUESTED,
    }
  },
})

async function lookUp(
  broker: BrokerContext,
  requested: { name: string | null; topicId: string },
  allowAutoCreate: boolean,
  operations: number,
) {
  if (requested.name === null) {
    const byId = broker.topics.getById(requested.topicId)
    if (byId) return describeTopic(broker, byId, operations)
    return topicError(null, requested.topicId, ErrorCode.UNKNOWN_TOPIC_ID)
  }
  const name = requested.name
  const existing = broker.topics.get(name)
  if (existing) return describeTopic(broker, existing, operations)
  if (invalidTopicNameReason(name)) return topicError(name, ZERO_UUID, ErrorCode.INVALID_TOPIC_EXCEPTION)
  if (!allowAutoCreate || !broker.options.autoCreateTopics) {
    return topicError(name, ZERO_UUID, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
  }
  const created = await broker.topics.getOrCreate(name, broker.options.defaultPartitions)
  broker.logger.info(`auto-created topic ${name} with ${created.partitions.length} partitions`)
  return describeTopic(broker, created, operations)
}

function topicError(name: string | null, topicId: string, errorCode: number) {
  return { errorCode, name, topicId, isInternal: false, partitions: [] }
}

function describeTopic(broker: BrokerContext, topic: Topic, operations: number) {
  const cluster = broker.cluster
  const live = new Set(cluster.liveNodes().map((n) => n.nodeId))
  return {
    errorCode: ErrorCode.NONE,
    name: topic.name,
    topicId: topic.id,
    isInternal: false,
    partitions: topic.partitions.map((p) => {
      const { leaderId, leaderEpoch } = cluster.leaderOf(topic.name, p.index)
      const replicas = cluster.replicasOf(topic.name, p.index)
      return {
        errorCode: leaderId === -1 ? ErrorCode.LEADER_NOT_AVAILABLE : ErrorCode.NONE,
        partitionIndex: p.index,
        leaderId,
        leaderEpoch,
        replicaNodes: [...replicas],
        isrNodes: replicas.filter((id) => live.has(id)),
        offlineReplicas: replicas.filter((id) => !live.has(id)),
      }
    }),
    topicAuthorizedOperations: operations,
  }
}
