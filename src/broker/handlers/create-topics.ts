/**
 * CreateTopics (19), versions 2-7.
 * - numPartitions / replicationFactor of -1 (v4+) take the broker defaults
 *   (`defaultPartitions`, and 1 replica, Kafka's default.replication.factor).
 * - A replication factor above the number of live nodes, or a manual
 *   assignment naming an unknown node or one node twice, is refused as Kafka
 *   refuses it. In a test cluster every partition is then placed on every
 *   node whatever was asked (the nodes share one store): the answer reports
 *   that real replication factor, and leaders follow cluster/placement.ts.
 * - Configs are validated against the known topic configs (INVALID_CONFIG).
 * - validateOnly checks everything and creates nothing.
 * - v5+ echo the partitions, replication factor and effective configs; v7 the topic id.
 */
import { ErrorCode } from '../../protocol/error-codes.js'
import { Apis } from '../../protocol/messages/index.js'
import type { MessageOf } from '../../protocol/schema.js'
import type { BrokerContext } from '../broker-context.js'
import { TOPIC_CONFIGS, TopicConfig, validateTopicConfigs } from '../topics/topic-config.js'
import { invalidTopicNameReason } from '../topics/topic-name.js'
import { topicConfigEntries } from './config-entries.js'
import { defineHandler } from './handler.js'

type CreatableTopic = MessageOf<typeof Apis.CreateTopics.request>['topics'][number]

const ZERO_UUID = '00000000-0000-0000-0000-000000000000'
const MAX_PARTITIONS = 10_000

export const createTopicsHandler = defineHandler({
  api: Apis.CreateTopics,
  minVersion: 2,
  maxVersion: 7,
  async handle(body, { broker }) {
    const seen = new Map<string, number>()
    for (const t of body.topics) seen.set(t.name, (seen.get(t.name) ?? 0) + 1)
    const topics = []
    for (const t of body.topics) {
      if ((seen.get(t.name) ?? 0) > 1) {
        topics.push(
          failure(
            t.name,
            ErrorCode.INVALID_REQUEST,
            `Create topics request from client contains multiple entries for the topic ${t.name}`,
          ),
        )
        continue
      }
      topics.push(await createOne(broker, t, body.validateOnly))
    }
    return { throttleTimeMs: 0, topics }
  },
})

function failure(name: string, errorCode: number, errorMessage: string) {
  return {
    name,
    topicId: ZERO_UUID,
    errorCode,
    errorMessage,
    numPartitions: -1,
    replicationFactor: -1,
    configs: null,
  }
}

/** Why a manual replica assignment cannot be honoured, or null: each names known nodes, none twice. */
export function assignmentProblem(
  broker: BrokerContext,
  assignments: readonly { brokerIds: readonly number[] }[],
): string | null {
  const known = new Set(broker.cluster.allNodeIds())
  for (const a of assignments) {
    if (a.brokerIds.length === 0) return 'Every partition must be assigned to at least one broker.'
    if (new Set(a.brokerIds).size !== a.brokerIds.length)
      return `Duplicate brokers not allowed in replica assignment: ${a.brokerIds.join(', ')}.`
    const unknown = a.brokerIds.find((id) => !known.has(id))
    if (unknown !== undefined) return `Unknown broker ${unknown} in replica assignment.`
  }
  return null
}

async function createOne(broker: BrokerContext, t: CreatableTopic, validateOnly: boolean) {
  const nameProblem = invalidTopicNameReason(t.name)
  if (nameProblem) return failure(t.name, ErrorCode.INVALID_TOPIC_EXCEPTION, nameProblem)
  if (broker.topics.has(t.name))
    return failure(t.name, ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${t.name}' already exists.`)

  let partitions = t.numPartitions === -1 ? broker.options.defaultPartitions : t.numPartitions
  const replication = t.replicationFactor === -1 ? 1 : t.replicationFactor
  if (t.assignments.length > 0) {
    if (t.numPartitions !== -1 || t.replicationFactor !== -1) {
      return failure(
        t.name,
        ErrorCode.INVALID_REQUEST,
        'Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.',
      )
    }
    const indexes = t.assignments.map((a) => a.partitionIndex).sort((a, b) => a - b)
    if (indexes.some((p, i) => p !== i)) {
      return failure(
        t.name,
        ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        'Partitions must be numbered consecutively from 0.',
      )
    }
    const problem = assignmentProblem(broker, t.assignments)
    if (problem) return failure(t.name, ErrorCode.INVALID_REPLICA_ASSIGNMENT, problem)
    partitions = t.assignments.length
  }
  if (partitions < 1 || partitions > MAX_PARTITIONS) {
    return failure(
      t.name,
      ErrorCode.INVALID_PARTITIONS,
      `Number of partitions must be between 1 and ${MAX_PARTITIONS}.`,
    )
  }
  if (replication < 1)
    return failure(t.name, ErrorCode.INVALID_REPLICATION_FACTOR, 'Replication factor must be larger than 0.')
  const registered = broker.cluster.liveNodes().length
  if (replication > registered) {
    return failure(
      t.name,
      ErrorCode.INVALID_REPLICATION_FACTOR,
      `Unable to replicate the partition ${replication} time(s): The target replication factor of ${replication} cannot be reached because only ${registered} broker(s) are registered.`,
    )
  }
  const configProblem = validateTopicConfigs(t.configs.map((c) => [c.name, c.value]))
  if (configProblem) return failure(t.name, ErrorCode.INVALID_CONFIG, configProblem)

  const overrides = new Map(t.configs.map((c) => [c.name, c.value as string]))
  let topicId = ZERO_UUID
  let config: TopicConfig
  if (validateOnly) {
    config = new TopicConfig(overrides, new Map())
  } else {
    const topic = await broker.topics.create(t.name, partitions, overrides)
    topicId = topic.id
    config = topic.config
    broker.logger.info(`created topic ${t.name} with ${partitions} partitions`)
  }
  return {
    name: t.name,
    topicId,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    numPartitions: partitions,
    replicationFactor: broker.cluster.allNodeIds().length,
    configs: topicConfigEntries(config, TOPIC_CONFIGS).map((e) => ({
      name: e.name,
      value: e.value,
      readOnly: e.readOnly,
      configSource: e.source,
      isSensitive: false,
    })),
  }
}
