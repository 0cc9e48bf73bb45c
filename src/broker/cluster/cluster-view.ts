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
 * leads each partition and coordinates each group. A single broker leads
 * everything; a test cluster (src/broker/cluster/) moves leadership around.
 */
export interface ClusterView {
  /** Nodes that are up, in node id order: what Metadata lists. */
  liveNodes(): NodeAddress[]
  /** Every node id, up or not: the replicas of every partition. */
  allNodeIds(): number[]
  leaderOf(topic: string, partition: number): PartitionLeadership
  /** Node that coordinates this group, or -1 while none is up. */
  coordinatorOf(groupId: string): number
  /** Node reported as controller, or -1 while none is up. */
  controllerId(): number
}

/**
 * The view of a lone broker: it is up, leads every partition at epoch 0 and
 * coordinates every group. `advertised` is read at each call, since it is
 * known only once the listener is bound.
 */
export function singleNodeView(nodeId: number, advertised: { host: string; port: number }): ClusterView {
  return {
    liveNodes: () => [{ nodeId, host: advertised.host, port: advertised.port }],
    allNodeIds: () => [nodeId],
    leaderOf: () => ({ leaderId: nodeId, leaderEpoch: 0 }),
    coordinatorOf: () => nodeId,
    controllerId: () => nodeId,
  }
}
