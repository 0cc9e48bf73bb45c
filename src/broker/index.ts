// `sluice/broker`: the embedded Kafka-compatible broker.
export type { SaslMechanism } from './auth/sasl-mechanism.js'
export type { TlsOptions } from './auth/tls-settings.js'
export type { UserSpec } from './auth/users.js'
export { readUsersFile } from './auth/users-file.js'
export { type RunningBroker, startBroker } from './broker.js'
export type { BrokerMetrics, BrokerPartitionMetrics, BrokerRequestCount } from './broker-metrics.js'
export type { ClusterOptions } from './cluster/cluster-options.js'
export type { PartitionLeadership } from './cluster/cluster-view.js'
export { type ClusterNodeInfo, type RunningCluster, startCluster } from './cluster/start-cluster.js'
export { BrokerConfigError } from './config-error.js'
// test-only fault injection (`faultInjection: true`): the types of `running.faults`
export type { AppendedBatch } from './faults/appended-batch.js'
export {
  type ApiSelector,
  type BrokerFaults,
  type CloseAfterHandlingOptions,
  type DelayResponsesOptions,
  type ErrorSelector,
  type FailNextOptions,
  FaultArgumentError,
} from './faults/broker-faults.js'
export type { FaultHandle } from './faults/fault.js'
export type { FiredCounts } from './faults/fault-injector.js'
export type { MemoryStats } from './log/memory-budget.js'
export type { Logger, LogLevel } from './logger.js'
export type { ConnectionLimitOptions } from './network/limits.js'
export type { BrokerOptions } from './options.js'
