// `sluice/broker`: the embedded Kafka-compatible broker.
export { type RunningBroker, startBroker } from './broker.js'
export type { Logger, LogLevel } from './logger.js'
export { BrokerConfigError, type BrokerOptions } from './options.js'
