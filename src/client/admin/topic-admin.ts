import { ErrorCode } from '../../protocol/error-codes.js'
import { Apis } from '../../protocol/messages/index.js'
import type { Cluster } from '../cluster/cluster.js'
import type { TopicMetadata } from '../cluster/metadata-cache.js'
import { InvalidArgumentError } from '../errors.js'
import type {
  AdminCallOptions,
  ClusterDescription,
  CreatedTopic,
  CreateTopicsOptions,
  NewPartitions,
  NewTopic,
  TopicDescription,
} from './admin-types.js'
import { checkTopicName } from './arguments.js'
import { CallDeadline, itemError } from './call-context.js'
import { type Outcome, retryEach } from './retry-each.js'

const ZERO_UUID = '00000000-0000-0000-0000-000000000000'

function checkUnique(names: readonly string[], argument: string): void {
  const seen = new Set<string>()
  for (const [i, name] of names.entries()) {
    if (seen.has(name)) throw new InvalidArgumentError(`${argument}[${i}]`, `${name} is listed twice`)
    seen.add(name)
  }
}

function describeTopic(topic: TopicMetadata): TopicDescription {
  return {
    topic: topic.name,
    topicId: topic.topicId,
    internal: topic.isInternal,
    partitions: topic.partitions.map((p) => ({
      partition: p.partition,
      leader: p.leaderId,
      leaderEpoch: p.leaderEpoch,
      replicas: p.replicas,
      isr: p.isr,
      offline: p.offline,
    })),
  }
}

function toRequestTopic(t: NewTopic) {
  const assignments = t.assignments
    ? Object.entries(t.assignments).map(([partition, brokerIds]) => ({
        partitionIndex: Number(partition),
        brokerIds: [...brokerIds],
      }))
    : []
  return {
    name: t.topic,
    numPartitions: assignments.length > 0 ? -1 : (t.partitions ?? -1),
    replicationFactor: assignments.length > 0 ? -1 : (t.replicationFactor ?? -1),
    assignments,
    configs: Object.entries(t.configs ?? {}).map(([name, value]) => ({ name, value })),
  }
}

/**
 * Creates topics. Topics are sent to any broker (Kafka forwards to its
 * controller); a topic that failed with a retriable error is sent again on
 * its own. A topic that timed out and then exists was created by the first
 * try and counts as created. With `waitForLeaders` (the default) it resolves
 * once metadata shows a leader for every partition, so the next produce or
 * describe finds them.
 */
export async function createTopics(
  cluster: Cluster,
  topics: readonly NewTopic[],
  options: CreateTopicsOptions = {},
): Promise<CreatedTopic[]> {
  const names = topics.map((t, i) => checkTopicName(t?.topic, `topics[${i}].topic`))
  checkUnique(names, 'topics')
  const byName = new Map(topics.map((t) => [t.topic, t]))
  const deadline = new CallDeadline(cluster, options)
  const timedOutOnce = new Set<string>()
  await cluster.connect()
  const results = await retryEach<CreatedTopic>(
    cluster,
    names,
    async (pending) => {
      const connection = await cluster.leastLoadedConnection()
      const answer = await connection.request(Apis.CreateTopics, {
        topics: pending.map((name) => toRequestTopic(byName.get(name)!)),
        timeoutMs: deadline.brokerTimeoutMs,
        validateOnly: options.validateOnly ?? false,
      })
      const outcomes = new Map<string, Outcome<CreatedTopic>>()
      for (const t of answer.topics) {
        const created = {
          topic: t.name,
          topicId: t.topicId,
          partitions: t.numPartitions,
          replicationFactor: t.replicationFactor,
        }
        if (t.errorCode === ErrorCode.NONE) outcomes.set(t.name, { ok: { ...created, created: true } })
        else if (t.errorCode === ErrorCode.TOPIC_ALREADY_EXISTS && timedOutOnce.has(t.name)) {
          outcomes.set(t.name, { ok: { ...created, created: true } })
        } else if (t.errorCode === ErrorCode.TOPIC_ALREADY_EXISTS && options.ignoreExisting) {
          outcomes.set(t.name, { ok: { ...created, created: false } })
        } else {
          if (t.errorCode === ErrorCode.REQUEST_TIMED_OUT) timedOutOnce.add(t.name)
          outcomes.set(t.name, { error: itemError(t.errorCode, { topic: t.name }, t.errorMessage) })
        }
      }
      return outcomes
    },
    { operation: 'createTopics', timeoutMs: deadline.timeoutMs, context: (topics) => ({ topics }) },
  )
  for (const name of names) cluster.metadata.markStale(name)
  if ((options.waitForLeaders ?? true) && !options.validateOnly) {
    await cluster.topicMetadata(names, { timeoutMs: deadline.remainingMs })
  }
  return names.map((name) => results.get(name)!)
}

/** Deletes topics (and every record in them). A topic that does not exist fails with UNKNOWN_TOPIC_OR_PARTITION. */
export async function deleteTopics(
  cluster: Cluster,
  topics: readonly string[],
  options: AdminCallOptions = {},
): Promise<void> {
  topics.forEach((t, i) => {
    checkTopicName(t, `topics[${i}]`)
  })
  checkUnique(topics, 'topics')
  const deadline = new CallDeadline(cluster, options)
  await cluster.connect()
  const timedOutOnce = new Set<string>()
  await retryEach<true>(
    cluster,
    topics,
    async (pending) => {
      const connection = await cluster.leastLoadedConnection()
      const answer = await connection.request(Apis.DeleteTopics, {
        topicNames: [...pending],
        topics: pending.map((name) => ({ name, topicId: ZERO_UUID })),
        timeoutMs: deadline.brokerTimeoutMs,
      })
      const outcomes = new Map<string, Outcome<true>>()
      for (const r of answer.responses) {
        if (r.name === null) continue
        const goneAlready = r.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION && timedOutOnce.has(r.name)
        if (r.errorCode === ErrorCode.NONE || goneAlready) outcomes.set(r.name, { ok: true })
        else {
          if (r.errorCode === ErrorCode.REQUEST_TIMED_OUT) timedOutOnce.add(r.name)
          outcomes.set(r.name, { error: itemError(r.errorCode, { topic: r.name }, r.errorMessage) })
        }
      }
      return outcomes
    },
    {
      operation: 'deleteTopics',
      timeoutMs: deadline.timeoutMs,
      // a topic that is not there will not appear by asking again
      fatal: (e) => (e as { code?: number }).code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    },
  )
  for (const name of topics) cluster.metadata.markStale(name)
  await waitUntilGone(cluster, topics, deadline)
}

/**
 * Kafka answers DeleteTopics once its controller has decided; brokers drop
 * the topics from their metadata a moment later. Waiting for that lets the
 * next listTopics, or a createTopics of the same name, see the deletion.
 */
async function waitUntilGone(
  cluster: Cluster,
  topics: readonly string[],
  deadline: CallDeadline,
): Promise<void> {
  await cluster.retry.run(
    'deleteTopics (waiting for metadata)',
    async () => {
      const errors = await cluster.refreshMetadata(topics)
      const still = topics.find(
        (t) => (errors.get(t) ?? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) === ErrorCode.NONE,
      )
      // retriable, so the policy asks again after its backoff
      if (still !== undefined)
        throw itemError(ErrorCode.REQUEST_TIMED_OUT, { topic: still, reason: 'still listed' })
    },
    { timeoutMs: deadline.remainingMs, signal: cluster.closeSignal },
  )
}

/** Every topic's name, sorted; internal topics (`__consumer_offsets`) only when asked for. */
export async function listTopics(
  cluster: Cluster,
  options: AdminCallOptions & { includeInternal?: boolean } = {},
): Promise<string[]> {
  const deadline = new CallDeadline(cluster, options)
  await cluster.connect()
  const listed = await cluster.retry.run('listTopics', () => cluster.refreshMetadata('all'), {
    timeoutMs: deadline.timeoutMs,
    signal: cluster.closeSignal,
    onRetry: (error, recovery) => cluster.recover(error, recovery),
  })
  return [...listed.keys()]
    .filter((name) => options.includeInternal || !cluster.metadata.topic(name)?.isInternal)
    .sort()
}

/** Partitions, leaders, replicas and in-sync replicas of topics; fails for a topic that does not exist. */
export async function describeTopics(
  cluster: Cluster,
  topics: readonly string[],
  options: AdminCallOptions = {},
): Promise<TopicDescription[]> {
  topics.forEach((t, i) => {
    checkTopicName(t, `topics[${i}]`)
  })
  const deadline = new CallDeadline(cluster, options)
  await cluster.connect()
  const results = await retryEach<TopicDescription>(
    cluster,
    topics,
    async (pending) => {
      const errors = await cluster.refreshMetadata(pending)
      const outcomes = new Map<string, Outcome<TopicDescription>>()
      for (const name of pending) {
        const code = errors.get(name) ?? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
        const topic = cluster.metadata.topic(name)
        if (code === ErrorCode.NONE && topic) outcomes.set(name, { ok: describeTopic(topic) })
        else outcomes.set(name, { error: itemError(code, { topic: name }) })
      }
      return outcomes
    },
    {
      operation: 'describeTopics',
      timeoutMs: deadline.timeoutMs,
      fatal: (e) => (e as { code?: number }).code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    },
  )
  return topics.map((t) => results.get(t)!)
}

/**
 * Brokers, cluster id and controller: DescribeCluster where the broker
 * serves it (Kafka 2.8+), else what Metadata says.
 */
export async function describeCluster(
  cluster: Cluster,
  options: AdminCallOptions = {},
): Promise<ClusterDescription> {
  const deadline = new CallDeadline(cluster, options)
  await cluster.connect()
  return cluster.retry.run(
    'describeCluster',
    async () => {
      const connection = await cluster.leastLoadedConnection()
      if (!connection.versions?.supports(Apis.DescribeCluster)) {
        await cluster.refreshMetadata([])
        const m = cluster.metadata
        return {
          clusterId: m.clusterId,
          controller: m.controllerId,
          brokers: [...m.brokers].sort((a, b) => a.nodeId - b.nodeId),
        }
      }
      const answer = await connection.request(Apis.DescribeCluster, {
        includeClusterAuthorizedOperations: false,
      })
      if (answer.errorCode !== ErrorCode.NONE) throw itemError(answer.errorCode, {}, answer.errorMessage)
      return {
        clusterId: answer.clusterId,
        controller: answer.controllerId,
        brokers: answer.brokers
          .map((b) => ({ nodeId: b.brokerId, host: b.host, port: b.port, rack: b.rack }))
          .sort((a, b) => a.nodeId - b.nodeId),
      }
    },
    { timeoutMs: deadline.timeoutMs, signal: cluster.closeSignal, onRetry: (e, r) => cluster.recover(e, r) },
  )
}

/** Raises topics' partition counts to `count` (Kafka never lowers them). */
export async function createPartitions(
  cluster: Cluster,
  changes: readonly NewPartitions[],
  options: AdminCallOptions & { validateOnly?: boolean } = {},
): Promise<void> {
  const names = changes.map((c, i) => checkTopicName(c?.topic, `changes[${i}].topic`))
  checkUnique(names, 'changes')
  changes.forEach((c, i) => {
    if (!Number.isInteger(c.count) || c.count < 1) {
      throw new InvalidArgumentError(`changes[${i}].count`, `must be a positive integer, got ${c.count}`)
    }
  })
  const byName = new Map(changes.map((c) => [c.topic, c]))
  const deadline = new CallDeadline(cluster, options)
  await cluster.connect()
  await retryEach<true>(
    cluster,
    names,
    async (pending) => {
      const connection = await cluster.leastLoadedConnection()
      const answer = await connection.request(Apis.CreatePartitions, {
        topics: pending.map((name) => {
          const c = byName.get(name)!
          return {
            name,
            count: c.count,
            assignments: c.assignments
              ? c.assignments.map((brokerIds) => ({ brokerIds: [...brokerIds] }))
              : null,
          }
        }),
        timeoutMs: deadline.brokerTimeoutMs,
        validateOnly: options.validateOnly ?? false,
      })
      return new Map(
        answer.results.map((r): [string, Outcome<true>] => [
          r.name,
          r.errorCode === ErrorCode.NONE
            ? { ok: true }
            : { error: itemError(r.errorCode, { topic: r.name }, r.errorMessage) },
        ]),
      )
    },
    { operation: 'createPartitions', timeoutMs: deadline.timeoutMs, context: (topics) => ({ topics }) },
  )
  for (const name of names) cluster.metadata.markStale(name)
  if (!options.validateOnly) await waitForPartitionCounts(cluster, changes, deadline)
}

/** Waits until metadata shows each topic with its new partition count, every one led. */
async function waitForPartitionCounts(
  cluster: Cluster,
  changes: readonly NewPartitions[],
  deadline: CallDeadline,
): Promise<void> {
  await cluster.retry.run(
    'createPartitions (waiting for metadata)',
    async () => {
      const topics = await cluster.topicMetadata(
        changes.map((c) => c.topic),
        { timeoutMs: deadline.remainingMs },
      )
      for (const c of changes) {
        const have = topics.get(c.topic)!.partitions.length
        if (have < c.count) {
          cluster.metadata.markStale(c.topic)
          throw itemError(ErrorCode.LEADER_NOT_AVAILABLE, { topic: c.topic, partition: have })
        }
      }
    },
    { timeoutMs: deadline.remainingMs, signal: cluster.closeSignal },
  )
}
