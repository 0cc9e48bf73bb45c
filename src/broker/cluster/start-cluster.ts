import type { BrokerMetrics } from '../broker-metrics.js'
import { BrokerNode } from '../broker-node.js'
import { BrokerState } from '../broker-state.js'
import { type Clock, systemClock } from '../clock.js'
import { type BrokerFaults, FaultControls, faultInjectionOff } from '../faults/broker-faults.js'
import type { MemoryStats } from '../log/memory-budget.js'
import { resolveBrokerOptions } from '../options.js'
import { ClusterLeadership } from './cluster-leadership.js'
import { clusterNodeView } from './cluster-node-view.js'
import { type ClusterOptions, resolveNodeCount } from './cluster-options.js'
import type { PartitionLeadership } from './cluster-view.js'
import { LeadershipStore } from './leadership-store.js'

/** One node of a running test cluster, as it is now. */
export interface ClusterNodeInfo {
  readonly nodeId: number
  readonly host: string
  /** The port it listens on, and listens on again after `startNode`. */
  readonly port: number
  /** `host:port`. */
  readonly bootstrap: string
  readonly running: boolean
}

/**
 * A test cluster: several broker nodes in one process over one shared store.
 * It simulates placement and failover for clients; nothing is replicated.
 */
export interface RunningCluster {
  /** Every node's `host:port`, comma-separated, to give clients as bootstrap servers. */
  readonly bootstrap: string
  /** Every node, running or stopped, in node id order. */
  readonly nodes: readonly ClusterNodeInfo[]
  /** Leader node and leader epoch of a partition; leader -1 while every replica is down. */
  leaderOf(topic: string, partition: number): PartitionLeadership
  /** Replica order of a partition: the preferred leader first, then the failover order. */
  replicasOf(topic: string, partition: number): readonly number[]
  /** Makes a running node the partition's leader; the leader epoch moves (unless it already leads). */
  moveLeader(topic: string, partition: number, nodeId: number): PartitionLeadership
  /** The node coordinating a consumer group, or -1 while every node is down. */
  coordinatorOf(groupId: string): number
  /** Moves a group's coordinator to a running node, with the other groups of its `__consumer_offsets` partition. */
  moveCoordinator(groupId: string, nodeId: number): void
  /**
   * Stops a node as if it crashed: its listener closes and its connections
   * drop; partitions it led and groups it coordinated fail over to the next
   * live replica, with new leader epochs.
   */
  stopNode(nodeId: number): Promise<void>
  /**
   * Starts a stopped node again, on the same port, so that clients' cached
   * metadata still reaches it. It takes over only partitions that had no
   * leader; leadership returns to it through `electPreferredLeaders()`.
   */
  startNode(nodeId: number): Promise<void>
  /** Kafka's preferred-leader election: moves every partition back to its preferred replica if that is up. Returns how many moved. */
  electPreferredLeaders(): number
  /** The shared memory engine's budget and what it released (as on a lone broker). */
  readonly memory: MemoryStats
  /** Counters and gauges of every node together (they share one store), as on a lone broker. */
  metrics(): BrokerMetrics
  /**
   * TEST ONLY: the fault injection controls (faults/broker-faults.ts), for
   * every node; `hold` and `release` take a node id. Only with the
   * `faultInjection: true` option; otherwise reading it throws.
   */
  readonly faults: BrokerFaults
  /** Stops every node, answers what is in flight, flushes and releases everything. */
  close(): Promise<void>
}

/**
 * Starts a test cluster of `nodes` broker nodes (default 3) sharing one
 * store, and resolves once every node listens. All other options are those
 * of `startBroker` and apply to every node.
 */
export async function startCluster(
  options: ClusterOptions = {},
  clock: Clock = systemClock,
): Promise<RunningCluster> {
  const { nodes: requested, ...brokerOptions } = options
  const resolved = resolveBrokerOptions(brokerOptions)
  const count = resolveNodeCount(requested, resolved)
  const nodeIds = Array.from({ length: count }, (_, i) => resolved.nodeId + i)
  const state = new BrokerState(resolved, clock)
  const leadership = new ClusterLeadership(
    nodeIds,
    state.topics,
    resolved.dataDir ? new LeadershipStore(resolved.dataDir) : undefined,
    (partition) => state.watchers.notify(partition.watchKey),
  )
  const nodes = new Map<number, BrokerNode>()
  const view = clusterNodeView(leadership, nodes)
  for (const id of nodeIds) nodes.set(id, new BrokerNode(id, state, () => view))
  await state.load()
  try {
    leadership.restore()
    for (const [i, node] of [...nodes.values()].entries()) {
      await node.start(resolved.port === 0 ? 0 : resolved.port + i)
    }
  } catch (err) {
    await Promise.all([...nodes.values()].map((n) => n.stop()))
    await state.close(state.releaseWaiters())
    throw err
  }
  const faults = resolved.faults && new FaultControls(resolved.faults, () => nodeIds)
  const cluster = new TestCluster(state, leadership, nodes, faults)
  resolved.logger.info(
    `cluster of ${count} nodes listening on ${cluster.bootstrap} (${state.describeStorage()}; shared by every node)`,
  )
  return cluster
}

class TestCluster implements RunningCluster {
  private closing: Promise<void> | undefined
  /** Stops and starts in progress, so that close waits for them and they do not interleave per node. */
  private readonly transitions = new Map<number, Promise<void>>()

  constructor(
    private readonly state: BrokerState,
    private readonly leadership: ClusterLeadership,
    private readonly byId: ReadonlyMap<number, BrokerNode>,
    private readonly faultControls: FaultControls | undefined,
  ) {}

  get faults(): BrokerFaults {
    return this.faultControls ?? faultInjectionOff()
  }

  get bootstrap(): string {
    return [...this.byId.values()].map((n) => n.bootstrap).join(',')
  }

  get memory(): MemoryStats {
    return this.state.memoryStats()
  }

  metrics(): BrokerMetrics {
    return this.state.metrics()
  }

  get nodes(): ClusterNodeInfo[] {
    return [...this.byId.values()].map((n) => ({
      nodeId: n.nodeId,
      host: n.listening.host,
      port: n.listening.port,
      bootstrap: n.bootstrap,
      running: n.isRunning,
    }))
  }

  leaderOf(topic: string, partition: number): PartitionLeadership {
    return this.leadership.leaderOf(topic, partition)
  }

  replicasOf(topic: string, partition: number): readonly number[] {
    return this.leadership.replicasOf(topic, partition)
  }

  moveLeader(topic: string, partition: number, nodeId: number): PartitionLeadership {
    this.assertOpen('moveLeader')
    return this.leadership.moveLeader(topic, partition, nodeId)
  }

  coordinatorOf(groupId: string): number {
    return this.leadership.coordinatorOf(groupId)
  }

  moveCoordinator(groupId: string, nodeId: number): void {
    this.assertOpen('moveCoordinator')
    this.leadership.moveCoordinator(groupId, nodeId)
  }

  electPreferredLeaders(): number {
    this.assertOpen('electPreferredLeaders')
    return this.leadership.electPreferredLeaders()
  }

  async stopNode(nodeId: number): Promise<void> {
    const node = this.node('stopNode', nodeId)
    return this.transition(nodeId, async () => {
      if (!node.isRunning) return
      // leadership moves first, so that no Metadata answer names a leader missing from its broker list
      this.leadership.nodeStopped(nodeId)
      await node.stop()
      this.state.logger.info(`node ${nodeId} stopped`)
    })
  }

  async startNode(nodeId: number): Promise<void> {
    const node = this.node('startNode', nodeId)
    return this.transition(nodeId, async () => {
      if (node.isRunning) return
      await node.start(node.listening.port)
      this.leadership.nodeStarted(nodeId)
      this.state.logger.info(`node ${nodeId} started again on ${node.bootstrap}`)
    })
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown()
    return this.closing
  }

  private async shutdown(): Promise<void> {
    await Promise.allSettled(this.transitions.values())
    // held requests and long delays would keep connections from draining
    this.state.options.faults?.clear()
    const drained = Promise.all([...this.byId.values()].map((n) => n.beginShutdown()))
    const groupsClosed = this.state.releaseWaiters()
    await drained
    await this.state.close(groupsClosed)
    this.state.logger.info('cluster stopped')
  }

  private node(what: string, nodeId: number): BrokerNode {
    this.assertOpen(what)
    const node = this.byId.get(nodeId)
    if (!node)
      throw new Error(`${what}: node ${nodeId} is not in this cluster (${[...this.byId.keys()].join(', ')})`)
    return node
  }

  private assertOpen(what: string): void {
    if (this.closing) throw new Error(`${what}: the cluster is closed`)
  }

  /** Runs a stop or start of one node after any earlier one of that node has finished. */
  private transition(nodeId: number, action: () => Promise<void>): Promise<void> {
    const previous = this.transitions.get(nodeId) ?? Promise.resolve()
    const next = previous.catch(() => {}).then(action)
    this.transitions.set(nodeId, next)
    const cleanup = () => {
      if (this.transitions.get(nodeId) === next) this.transitions.delete(nodeId)
    }
    next.then(cleanup, cleanup)
    return next
  }
}
