// `sluice`: the Kafka client and the flow primitives. The client (producer,
// consumer, admin) arrives with its issues; until then this entry point
// exports the flow primitives, the typed Kafka errors every part shares, and
// the package version.
export * from './flow/index.js'
export { ErrorCode, errorForCode, isRetriable, KafkaError } from './protocol/error-codes.js'
export { CorruptRecordError, ProtocolError } from './protocol/protocol-error.js'
export { VERSION } from './version.js'
