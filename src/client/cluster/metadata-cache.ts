import { ErrorCode } from '../../protocol/error-codes.js'
import type { MetadataResponse } from '../../protocol/messages/metadata.js'
import { ProtocolError } from '../../protocol/protocol-error.js'
import type { MessageOf } from '../../protocol/schema.js'

/** A broker as metadata lists it. */
export interface BrokerNode {
  readonly nodeId: number
  readonly host: string
  readonly port: number
  readonly rack: string | null
}

export interface PartitionMetadata {
  readonly partition: number
  /** -1 while the partition has no leader. */
  readonly leaderId: number
  /** -1 when the broker does not report epochs. */
  readonly leaderEpoch: number
  readonly replicas: readonly number[]
  readonly isr: readonly number[]
  readonly offline: readonly number[]
  /** The partition's own error in the last answer (LEADER_NOT_AVAILABLE, say), 0 if none. */
  readonly errorCode: number
}

export interface TopicMetadata {
  readonly name: string
  readonly topicId: string
  readonly isInternal: boolean
  /** Indexed by partition number. */
  readonly partitions: readonly PartitionMetadata[]
}

type MetadataAnswer = MessageOf<typeof MetadataResponse>

/**
 * Checks a Metadata answer before anything is taken from it: each topic the
 * cache would keep lists its partitions 0..n-1, each once, in any order (a
 * Kafka broker lists every partition of a topic it answers for, leaderless
 * ones included). Partition indexes become array positions and the array's
 * length is every caller's partition count, so one mutated index (2^31 - 1,
 * say) would otherwise make a topic of two billion partitions: a sparse array
 * that `some`/`find` walk for tens of seconds, and partitioners and assignors
 * that allocate per partition. The check costs one byte per partition listed,
 * bounded by the answer's own size. Throws ProtocolError.
 */
export function checkMetadataAnswer<T extends MetadataAnswer>(answer: T): T {
  for (const t of answer.topics) {
    if (t.name === null || t.errorCode !== ErrorCode.NONE) continue
    const count = t.partitions.length
    const seen = new Uint8Array(count)
    for (const p of t.partitions) {
      const index = p.partitionIndex
      if (!Number.isInteger(index) || index < 0 || index >= count || seen[index] === 1) {
        throw new ProtocolError(
          `metadata of topic ${t.name} lists partition ${index}${seen[index] === 1 ? ' twice' : ''} among ${count} partitions`,
        )
      }
      seen[index] = 1
    }
  }
  return answer
}

interface CachedTopic {
  topic: TopicMetadata
  fetchedAt: number
  stale: boolean
}

/**
 * What the client knows of the cluster: brokers, controller, and the topics
 * it has asked about, each with the time it was learned. A partition whose
 * answer carries an older leader epoch than the one cached keeps the cached
 * leader (KIP-320): a broker that has not yet heard of an election must not
 * send the client back to the old leader.
 */
export class MetadataCache {
  clusterId: string | null = null
  controllerId = -1
  private brokerMap = new Map<number, BrokerNode>()
  private readonly topicMap = new Map<string, CachedTopic>()

  get brokers(): readonly BrokerNode[] {
    return [...this.brokerMap.values()]
  }

  broker(nodeId: number): BrokerNode | undefined {
    return this.brokerMap.get(nodeId)
  }

  /** Names of the cached topics. */
  topicNames(): string[] {
    return [...this.topicMap.keys()]
  }

  topic(name: string): TopicMetadata | undefined {
    return this.topicMap.get(name)?.topic
  }

  /** True when the topic is cached, not marked stale and younger than `maxAgeMs`. */
  isFresh(name: string, now: number, maxAgeMs: number): boolean {
    const cached = this.topicMap.get(name)
    return cached !== undefined && !cached.stale && now - cached.fetchedAt < maxAgeMs
  }

  /** The next lookup of this topic asks a broker again (after NOT_LEADER_OR_FOLLOWER, say). */
  markStale(name: string): void {
    const cached = this.topicMap.get(name)
    if (cached) cached.stale = true
  }

  markAllStale(): void {
    for (const cached of this.topicMap.values()) cached.stale = true
  }

  /** Topics that the last answers listed with the leader on `nodeId`: they move when it goes away. */
  topicsLedBy(nodeId: number): string[] {
    const out: string[] = []
    for (const [name, cached] of this.topicMap) {
      if (cached.topic.partitions.some((p) => p.leaderId === nodeId)) out.push(name)
    }
    return out
  }

  /**
   * Takes in a Metadata answer. Topics it lists without error replace their
   * cached entry (epochs permitting); topics it says do not exist are
   * dropped. Returns each listed topic's error code. An answer that fails
   * `checkMetadataAnswer` is refused whole (ProtocolError), nothing taken in.
   */
  update(answer: MetadataAnswer, now: number): Map<string, number> {
    checkMetadataAnswer(answer)
    if (answer.brokers.length > 0) {
      this.brokerMap = new Map(
        answer.brokers.map((b) => [b.nodeId, { nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack }]),
      )
    }
    if (answer.clusterId !== null) this.clusterId = answer.clusterId
    this.controllerId = answer.controllerId
    const errors = new Map<string, number>()
    for (const t of answer.topics) {
      if (t.name === null) continue
      errors.set(t.name, t.errorCode)
      if (
        t.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION ||
        t.errorCode === ErrorCode.INVALID_TOPIC_EXCEPTION
      ) {
        this.topicMap.delete(t.name)
        continue
      }
      if (t.errorCode !== ErrorCode.NONE) {
        // LEADER_NOT_AVAILABLE while a new topic is being created, say: keep asking
        this.markStale(t.name)
        continue
      }
      const previous = this.topicMap.get(t.name)?.topic
      const partitions: PartitionMetadata[] = []
      for (const p of t.partitions) {
        const incoming: PartitionMetadata = {
          partition: p.partitionIndex,
          leaderId: p.leaderId,
          leaderEpoch: p.leaderEpoch,
          replicas: p.replicaNodes,
          isr: p.isrNodes,
          offline: p.offlineReplicas,
          errorCode: p.errorCode,
        }
        const cached = previous?.topicId === t.topicId ? previous.partitions[p.partitionIndex] : undefined
        const older =
          cached !== undefined && incoming.leaderEpoch >= 0 && incoming.leaderEpoch < cached.leaderEpoch
        partitions[p.partitionIndex] = older ? cached : incoming
      }
      const topic: TopicMetadata = { name: t.name, topicId: t.topicId, isInternal: t.isInternal, partitions }
      this.topicMap.set(t.name, { topic, fetchedAt: now, stale: false })
    }
    return errors
  }

  /** Keeps only these topics (the answer to an all-topics request lists every one there is). */
  retainOnly(names: ReadonlySet<string>): void {
    for (const name of this.topicMap.keys()) if (!names.has(name)) this.topicMap.delete(name)
  }
}
