// The Sluice client, exported from `sluice`.

export { Admin } from './admin/admin.js'
export { AdminError } from './admin/admin-error.js'
export type {
  AdminCallOptions,
  AlterConfigOperation,
  BrokerDescription,
  ClusterDescription,
  CommittedOffset,
  ConfigAlteration,
  ConfigEntry,
  ConfigResource,
  ConfigResourceType,
  ConfigSource,
  CreatedTopic,
  CreateTopicsOptions,
  DeletedRecords,
  GroupDescription,
  GroupLag,
  GroupListing,
  GroupMember,
  ListedOffset,
  ListOffsetsOptions,
  NewPartitions,
  NewTopic,
  OffsetQuery,
  OffsetSpec,
  OffsetToCommit,
  PartitionInfo,
  PartitionLag,
  RecordsToDelete,
  ResetTarget,
  ResourceConfigs,
  TopicDescription,
  TopicPartition,
} from './admin/admin-types.js'
export type { KafkaOptions, RetryPolicyOptions } from './client-options.js'
export type { CommitResult } from './consumer/commit/committer.js'
export {
  Consumer,
  type ConsumerEvents,
  type PauseReason,
  type RunBatchOptions,
  type SeekTarget,
} from './consumer/consumer.js'
export type { ConsumerBatch, ConsumerMessage } from './consumer/consumer-message.js'
export type { ConsumerMetrics, PartitionMetrics } from './consumer/consumer-metrics.js'
export type {
  AssignorName,
  CommitMode,
  ConsumerOptions,
  FailurePolicy,
  Ordering,
  Overflow,
} from './consumer/consumer-options.js'
export { DEAD_LETTER_HEADERS } from './consumer/dead-letter.js'
export type { Deserializer, DeserializerOption } from './consumer/deserializers.js'
export { StuckHandlerError } from './consumer/dispatch/stuck-handler-error.js'
export {
  AuthenticationError,
  BootstrapError,
  ClientClosedError,
  ClientConfigError,
  ConnectionError,
  InvalidArgumentError,
  OperationTimeoutError,
  RequestTimeoutError,
  UnsupportedVersionError,
} from './errors.js'
export { Kafka } from './kafka.js'
export type { Logger, LogLevel } from './logger.js'
export type { BrokerAddress } from './network/broker-address.js'
export type { SocketFactory, SslOptions } from './network/dial.js'
export type { SaslMechanismName, SaslOptions } from './network/sasl/sasl-options.js'
export type { PartitionerFunction, PartitionerOption } from './producer/partitioner.js'
export { Producer, type ProducerBatchInput, SendError } from './producer/producer.js'
export {
  BufferFullError,
  DeliveryTimeoutError,
  RecordDroppedError,
  RecordTooLargeError,
} from './producer/producer-errors.js'
export type { ProducerMetrics } from './producer/producer-metrics.js'
export type {
  Acks,
  CompressionName,
  DroppedRecord,
  ProducerOptions,
  WhenFull,
} from './producer/producer-options.js'
export type { ProducerRecord, SendResult } from './producer/producer-record.js'
export type { WritableOptions } from './producer/producer-writable.js'
export type { RecordMetadata } from './producer/record-metadata.js'
export type { SendAllOptions } from './producer/send-all.js'
export type { HeadersInput, Serializer, SerializerOption } from './producer/serializers.js'
