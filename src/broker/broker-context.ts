import type { Clock } from './clock.js'
import type { PartitionWatchers } from './fetch/partition-watchers.js'
import type { Logger } from './logger.js'
import type { ResolvedBrokerOptions } from './options.js'
import type { TopicStore } from './topics/topic-store.js'

/** What every handler may use: the broker's state and settings, nothing of the network. */
export interface BrokerContext {
  readonly options: ResolvedBrokerOptions
  readonly topics: TopicStore
  readonly watchers: PartitionWatchers
  readonly clock: Clock
  readonly logger: Logger
  readonly nodeId: number
  readonly clusterId: string
  /** The address clients are told to connect to: the one the listener really bound. */
  readonly advertised: { host: string; port: number }
  /** The version ranges ApiVersions reports. */
  advertisedVersions(): { apiKey: number; minVersion: number; maxVersion: number }[]
}
