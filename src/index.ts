// `sluice`: the Kafka client (admin, producer, consumer), the flow
// primitives, the typed Kafka errors every part shares, and the package
// version.
export * from './client/index.js'
export * from './flow/index.js'
export { ErrorCode, errorForCode, isRetriable, KafkaError } from './protocol/error-codes.js'
export { CorruptRecordError, ProtocolError } from './protocol/protocol-error.js'
export { VERSION } from './version.js'
