import type { BrokerNode } from '../broker-node.js'
import type { ClusterLeadership } from './cluster-leadership.js'
import type { ClusterView, NodeAddress } from './cluster-view.js'

/**
 * What the nodes of a test cluster tell clients: the same answers from every
 * node, since they share one leadership table (a KRaft cluster's brokers all
 * follow one metadata log). A node counts as up while the table says so and
 * its listener is bound.
 */
export function clusterNodeView(
  leadership: ClusterLeadership,
  nodes: ReadonlyMap<number, BrokerNode>,
): ClusterView {
  const liveNodes = (): NodeAddress[] => {
    const out: NodeAddress[] = []
    for (const id of leadership.liveNodeIds()) {
      const node = nodes.get(id)
      if (node?.isRunning) out.push({ nodeId: id, host: node.advertised.host, port: node.advertised.port })
    }
    return out
  }
  const fencedNodes = (): NodeAddress[] => {
    const live = new Set(liveNodes().map((n) => n.nodeId))
    const out: NodeAddress[] = []
    for (const id of leadership.nodeIds) {
      const node = nodes.get(id)
      if (node && !live.has(id))
        out.push({ nodeId: id, host: node.advertised.host, port: node.advertised.port })
    }
    return out
  }
  return {
    liveNodes,
    fencedNodes,
    // KRaft brokers report a live broker as controller, since clients cannot reach the real one
    controllerId: () => liveNodes()[0]?.nodeId ?? -1,
    allNodeIds: () => leadership.nodeIds,
    replicasOf: (topic, partition) => leadership.replicasOf(topic, partition),
    leaderOf: (topic, partition) => leadership.leaderOf(topic, partition),
    epochHistory: (topic, partition) => leadership.historyOf(topic, partition),
    coordinatorOf: (groupId) => leadership.coordinatorOf(groupId),
  }
}
