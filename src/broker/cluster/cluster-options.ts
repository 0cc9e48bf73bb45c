import { BrokerConfigError } from '../config-error.js'
import type { BrokerOptions, ResolvedBrokerOptions } from '../options.js'

/** Most nodes one process runs: enough for any failover test, few enough to stay cheap. */
export const MAX_CLUSTER_NODES = 32

const MAX_NODE_ID = 2 ** 31 - 1
const MAX_PORT = 65535

export interface ClusterOptions extends BrokerOptions {
  /**
   * How many broker nodes to run, each with its own listener and node id
   * (`nodeId`, `nodeId + 1`, ...; a fixed `port` gives `port`, `port + 1`, ...,
   * and 0 a free port each). Default 3.
   */
  nodes?: number
}

/** Checks the cluster-only options against the resolved broker options; throws BrokerConfigError. */
export function resolveNodeCount(nodes: unknown, resolved: ResolvedBrokerOptions): number {
  const count = nodes ?? 3
  if (typeof count !== 'number' || !Number.isInteger(count))
    throw new BrokerConfigError('nodes', `must be an integer, got ${String(count)}`)
  if (count < 1 || count > MAX_CLUSTER_NODES)
    throw new BrokerConfigError('nodes', `must be between 1 and ${MAX_CLUSTER_NODES}, got ${count}`)
  if (resolved.nodeId + count - 1 > MAX_NODE_ID) {
    throw new BrokerConfigError(
      'nodeId',
      `${count} nodes from id ${resolved.nodeId} would pass the largest node id ${MAX_NODE_ID}`,
    )
  }
  if (resolved.port !== 0 && resolved.port + count - 1 > MAX_PORT) {
    throw new BrokerConfigError(
      'port',
      `${count} nodes from port ${resolved.port} would pass the largest port ${MAX_PORT}`,
    )
  }
  // one port for every node would send all of them to the same place
  if (resolved.advertisedPort !== undefined && count > 1) {
    throw new BrokerConfigError(
      'advertisedPort',
      'names one port, so it works with a lone broker only, not a cluster',
    )
  }
  return count
}
