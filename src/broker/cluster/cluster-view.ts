import { LeaderEpochHistory, type LeaderEpochLookup } from './leader-epoch-history.js'

/** A broker node as clients are told to reach it. */
export interface NodeAddress {
  readonly nodeId: number
  readonly host: string
  readonly port: number
}

/** Who leads a partition now; `leaderId` is -1 while no live node can. */
export interface PartitionLeadership {
  readonly leaderId: number
  readonly leaderEpoch: number
}

/**
 * Where things live, as every node answers it: which nodes are up, which node
 * leads each partition and coordinates each group, and each partition's
 * leader-epoch history. A single broker leads everything at epoch 0; a test
 * cluster (start-cluster.ts) moves leadership around.
 */
export interface ClusterView {
  /** Nodes that are up, in node id order: what Metadata lists. */
  liveNodes(): NodeAddress[]
  /**
   * Nodes that are down (stopped in a test cluster), with the address they
   * listen on when up: a KRaft broker that shut down stays registered but
   * fenced, which DescribeCluster v2 shows when asked. Empty for a lone broker.
   */
  fencedNodes(): NodeAddress[]
  /** Node reported as controller, or -1 while none is up. */
  controllerId(): number
  /** Every node id, up or not, in id order. */
  allNodeIds(): readonly number[]
  /** The partition's replicas, preferred leader first. */
  replicasOf(topic: string, partition: number): readonly number[]
  /** Leader and epoch of an existing partition ({-1, -1} for one that does not exist). */
  leaderOf(topic: string, partition: number): PartitionLeadership
  /** The partition's epoch history, for OffsetForLeaderEpoch and ListOffsets; undefined for an unknown partition. */
  epochHistory(topic: string, partition: number): LeaderEpochLookup | undefined
  /** Node that coordinates this group, or -1 while none is up. */
  coordinatorOf(groupId: string): number
}

/** A lone broker's history: epoch 0 from the start, for ever. */
const EPOCH_ZERO_ONLY: LeaderEpochLookup = (() => {
  const history = new LeaderEpochHistory()
  history.assign(0, 0)
  return history
})()

/**
 * The view of a lone broker: it is up, leads every partition at epoch 0 and
 * coordinates every group. `advertised` is read at each call, since it is
 * known only once the listener is bound.
 */
export function singleNodeView(nodeId: number, advertised: { host: string; port: number }): ClusterView {
  const only = [nodeId]
  return {
    liveNodes: () => [{ nodeId, host: advertised.host, port: advertised.port }],
    fencedNodes: () => [],
    controllerId: () => nodeId,
    allNodeIds: () => only,
    replicasOf: () => only,
    leaderOf: () => ({ leaderId: nodeId, leaderEpoch: 0 }),
    epochHistory: () => EPOCH_ZERO_ONLY,
    coordinatorOf: () => nodeId,
  }
}
