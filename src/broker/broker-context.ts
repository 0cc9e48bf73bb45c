import type { BrokerCounters } from './broker-metrics.js'
import type { Clock } from './clock.js'
import type { ClusterView } from './cluster/cluster-view.js'
import type { PartitionWatchers } from './fetch/partition-watchers.js'
import type { GroupCoordinator } from './groups/group-coordinator.js'
import type { Logger } from './logger.js'
import type { ResolvedBrokerOptions } from './options.js'
import type { ProducerIdManager } from './producers/producer-id-manager.js'
import type { ProducerStateRegistry } from './producers/producer-state-registry.js'
import type { TopicStore } from './topics/topic-store.js'

/**
 * What every handler may use: the broker's state and settings and this
 * node's place in the cluster, nothing of the network.
 */
export interface BrokerContext {
  readonly options: ResolvedBrokerOptions
  readonly topics: TopicStore
  readonly watchers: PartitionWatchers
  /** Producer ids and epochs handed out by InitProducerId. */
  readonly producerIds: ProducerIdManager
  /** Each partition's idempotent producers and their last sequences, for Produce. */
  readonly producerStates: ProducerStateRegistry
  /** Consumer groups and their committed offsets. */
  readonly groups: GroupCoordinator
  /** Where requests and appends are counted, for `running.metrics()`. */
  readonly counters: BrokerCounters
  readonly clock: Clock
  readonly logger: Logger
  /** The node answering this request. */
  readonly nodeId: number
  readonly clusterId: string
  /** The address clients are told to connect to for this node: the one its listener really bound. */
  readonly advertised: { host: string; port: number }
  /** Which nodes are up and who leads what (one node that leads everything, for a lone broker). */
  readonly cluster: ClusterView
  /** The version ranges ApiVersions reports. */
  advertisedVersions(): { apiKey: number; minVersion: number; maxVersion: number }[]
}
