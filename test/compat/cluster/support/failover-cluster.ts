import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, afterEach, expect } from 'vitest'
import { type RunningCluster, startCluster } from '../../../../src/broker/index.js'
import { ErrorCode } from '../../../../src/protocol/error-codes.js'
import { Apis } from '../../../../src/protocol/messages/index.js'
import { WireClient } from '../../../broker/support/wire-client.js'
import { AlterPartitionReassignments, ElectLeaders } from '../../../kafka/leadership-messages.js'
import { type RunningKafka, startKafka } from '../../../kafka/start-kafka.js'
import type { CompatTarget } from '../../support/broker.js'

/**
 * A 3-node cluster for the failover scenarios, with one topic of three
 * partitions led by three different nodes, and the leadership controls the
 * scenarios use, the same for both targets:
 * - embedded: startCluster, whose controls act at once;
 * - Apache Kafka: three KRaft nodes (RF 3, min.insync.replicas 2); a leader
 *   moves by reordering the partition's replicas (AlterPartitionReassignments)
 *   and a preferred-leader election (ElectLeaders), a node stops with a
 *   controlled shutdown (SIGTERM), and leadership is read from Metadata.
 */

export const PARTITIONS = 3

export interface Leadership {
  leaderId: number
  leaderEpoch: number
}

export interface FailoverCluster {
  readonly target: CompatTarget
  /** Every node, comma-separated. */
  readonly bootstrap: string
  readonly nodes: readonly { nodeId: number; bootstrap: string }[]
  /** This scenario's topic: PARTITIONS partitions, replicated to every node, leaders all different. */
  readonly topic: string
  leaderOf(partition: number): Promise<Leadership>
  /** Preferred leader first. */
  replicasOf(partition: number): Promise<number[]>
  /** Makes a node the partition's leader (Kafka: also its preferred replica from then on). */
  moveLeader(partition: number, nodeId: number): Promise<Leadership>
  /** Stops a node; resolves once no partition of the topic has it as leader. */
  stopNode(nodeId: number): Promise<void>
  startNode(nodeId: number): Promise<void>
  /** A preferred-leader election over the topic; resolves with how many partitions moved. */
  electPreferredLeaders(): Promise<number>
  coordinatorOf(groupId: string): Promise<number>
}

/**
 * Clusters for one describe block: `next()` in a test gives it a cluster with
 * a fresh topic. Embedded: a new cluster per test, closed after it. Kafka:
 * one cluster for the block (three JVMs take seconds to start), each test on
 * its own topic; a test's stopped node is started again by the next `next()`.
 */
export function failoverClusters(target: CompatTarget): { next(): Promise<FailoverCluster> } {
  if (target === 'embedded') {
    let running: RunningCluster | undefined
    afterEach(async () => {
      await running?.close()
      running = undefined
    })
    return {
      async next() {
        running = await startCluster({ nodes: 3, port: 0, logger: 'silent', groupInitialRebalanceDelayMs: 0 })
        return embeddedCluster(running, await createTopic(running.nodes[0].bootstrap))
      },
    }
  }
  let kafka: Promise<RunningKafka> | undefined
  afterAll(async () => {
    await (await kafka)?.close()
  })
  return {
    async next() {
      kafka ??= startKafka({ brokers: 3 })
      const cluster = await kafka
      for (const node of cluster.nodes) if (!node.running) await cluster.startNode(node.nodeId)
      const reference = new KafkaFailoverCluster(cluster, await createTopic(cluster.nodes[0].bootstrap))
      // Kafka's first answers for a new topic may still lack leaders
      await reference.waitForLeaders()
      return reference
    },
  }
}

async function createTopic(bootstrap: string): Promise<string> {
  const topic = `failover-${randomUUID().slice(0, 8)}`
  const admin = await WireClient.connect(bootstrap)
  try {
    const r = await admin.send(Apis.CreateTopics, 7, {
      topics: [{ name: topic, numPartitions: PARTITIONS, replicationFactor: 3 }],
      timeoutMs: 30_000,
    })
    expect(r.topics[0].errorCode, r.topics[0].errorMessage ?? '').toBe(0)
  } finally {
    await admin.close()
  }
  return topic
}

function embeddedCluster(cluster: RunningCluster, topic: string): FailoverCluster {
  return {
    target: 'embedded',
    bootstrap: cluster.bootstrap,
    nodes: cluster.nodes.map((n) => ({ nodeId: n.nodeId, bootstrap: n.bootstrap })),
    topic,
    leaderOf: async (p) => cluster.leaderOf(topic, p),
    replicasOf: async (p) => [...cluster.replicasOf(topic, p)],
    moveLeader: async (p, nodeId) => cluster.moveLeader(topic, p, nodeId),
    stopNode: (nodeId) => cluster.stopNode(nodeId),
    startNode: (nodeId) => cluster.startNode(nodeId),
    electPreferredLeaders: async () => cluster.electPreferredLeaders(),
    coordinatorOf: async (groupId) => cluster.coordinatorOf(groupId),
  }
}

const WAIT_MS = 30_000

class KafkaFailoverCluster implements FailoverCluster {
  readonly target = 'kafka'

  constructor(
    private readonly kafka: RunningKafka,
    readonly topic: string,
  ) {}

  get bootstrap(): string {
    return this.kafka.bootstrap
  }

  get nodes() {
    return this.kafka.nodes.map((n) => ({ nodeId: n.nodeId, bootstrap: n.bootstrap }))
  }

  async leaderOf(partition: number): Promise<Leadership> {
    const p = await this.partition(partition)
    return { leaderId: p.leaderId, leaderEpoch: p.leaderEpoch }
  }

  async replicasOf(partition: number): Promise<number[]> {
    return [...(await this.partition(partition)).replicaNodes]
  }

  async moveLeader(partition: number, nodeId: number): Promise<Leadership> {
    const replicas = await this.replicasOf(partition)
    const order = [nodeId, ...replicas.filter((r) => r !== nodeId)]
    const reassigned = await this.request((c) =>
      c.send(AlterPartitionReassignments, 0, {
        timeoutMs: WAIT_MS,
        topics: [{ name: this.topic, partitions: [{ partitionIndex: partition, replicas: order }] }],
      }),
    )
    expect(reassigned.errorCode, reassigned.errorMessage ?? '').toBe(0)
    expect(reassigned.responses[0].partitions[0].errorCode).toBe(0)
    // same replicas in another order: nothing to copy, the new order shows at once
    await this.until('the new replica order', async () =>
      (await this.replicasOf(partition)).join() === order.join() ? true : undefined,
    )
    await this.elect([partition])
    return this.until(`node ${nodeId} to lead partition ${partition}`, async () => {
      const now = await this.leaderOf(partition)
      return now.leaderId === nodeId ? now : undefined
    })
  }

  async stopNode(nodeId: number): Promise<void> {
    await this.kafka.stopNode(nodeId)
    await this.until(`partitions to move off node ${nodeId}`, async () => {
      const leaders = await Promise.all(
        Array.from({ length: PARTITIONS }, (_, p) => this.leaderOf(p).then((l) => l.leaderId)),
      )
      return leaders.every((l) => l !== nodeId && l >= 0) ? true : undefined
    })
  }

  startNode(nodeId: number): Promise<void> {
    return this.kafka.startNode(nodeId)
  }

  electPreferredLeaders(): Promise<number> {
    return this.elect(Array.from({ length: PARTITIONS }, (_, p) => p))
  }

  async coordinatorOf(groupId: string): Promise<number> {
    return this.until(`a coordinator for ${groupId}`, async () => {
      const r = await this.request((c) => c.send(Apis.FindCoordinator, 3, { key: groupId, keyType: 0 }))
      // the offsets topic is created on first use; until it has leaders the answer is COORDINATOR_NOT_AVAILABLE
      return r.errorCode === 0 ? r.nodeId : undefined
    })
  }

  /** Resolves once every partition of the topic has a leader, the three all different. */
  async waitForLeaders(): Promise<void> {
    await this.until(`leaders for ${this.topic}`, async () => {
      const topic = await this.metadata()
      const leaders = topic.partitions.map((p) => p.leaderId)
      return topic.errorCode === 0 && leaders.length === PARTITIONS && leaders.every((l) => l >= 0)
        ? true
        : undefined
    })
  }

  /**
   * A preferred-leader election for `partitions`, retried while a preferred
   * replica is not yet back in the ISR (a node that just started is catching
   * up). Resolves with how many partitions got a new leader.
   */
  private async elect(partitions: number[]): Promise<number> {
    let moved = 0
    let pending = partitions
    await this.until(`a preferred-leader election for ${this.topic} [${partitions}]`, async () => {
      const r = await this.request((c) =>
        c.send(ElectLeaders, 2, {
          electionType: 0,
          topicPartitions: [{ topic: this.topic, partitions: pending }],
          timeoutMs: WAIT_MS,
        }),
      )
      expect(r.errorCode).toBe(0)
      const retry: number[] = []
      for (const result of r.replicaElectionResults[0]?.partitionResult ?? []) {
        if (result.errorCode === 0) moved++
        else if (result.errorCode === ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE) retry.push(result.partitionId)
        else if (result.errorCode !== ErrorCode.ELECTION_NOT_NEEDED) {
          throw new Error(
            `ElectLeaders ${this.topic}-${result.partitionId}: ${result.errorCode} ${result.errorMessage}`,
          )
        }
      }
      pending = retry
      return retry.length === 0 ? true : undefined
    })
    // the controller has decided; the broker answering Metadata may learn it a moment later
    await this.until(`Metadata to show the preferred leaders of ${this.topic} [${partitions}]`, async () => {
      const topic = await this.metadata()
      const elected = topic.partitions.filter((p) => partitions.includes(p.partitionIndex))
      return elected.every((p) => p.leaderId === p.replicaNodes[0]) ? true : undefined
    })
    return moved
  }

  private async partition(partition: number) {
    const p = (await this.metadata()).partitions.find((x) => x.partitionIndex === partition)
    if (!p) throw new Error(`no partition ${partition} of ${this.topic} in Metadata`)
    return p
  }

  private async metadata() {
    const r = await this.request((c) =>
      c.send(Apis.Metadata, 12, { topics: [{ name: this.topic }], allowAutoTopicCreation: false }),
    )
    return r.topics[0]
  }

  /** One request on a fresh connection to a running node (nodes come and go in these tests). */
  private async request<T>(send: (client: WireClient) => Promise<T>): Promise<T> {
    const node = this.kafka.nodes.find((n) => n.running)
    if (!node) throw new Error('every Kafka node is stopped')
    const client = await WireClient.connect(node.bootstrap)
    try {
      return await send(client)
    } finally {
      await client.close()
    }
  }

  private async until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
    const deadline = Date.now() + WAIT_MS
    for (;;) {
      const value = await probe()
      if (value !== undefined) return value
      if (Date.now() > deadline) throw new Error(`Kafka: timed out after ${WAIT_MS} ms waiting for ${what}`)
      await sleep(100)
    }
  }
}
