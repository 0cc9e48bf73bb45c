// `sluice/protocol`: the Kafka wire format shared by the client and the broker.
export { type ApiDefinition, defineApi } from './api.js'
export { defaultValue, encodeMessage, type MessageCodec, messageCodec } from './codec.js'
export {
  ErrorCode,
  type ErrorDetails,
  type ErrorInfo,
  errorForCode,
  errorInfo,
  isRetriable,
  KAFKA_ERRORS,
  KafkaError,
} from './error-codes.js'
export {
  type DecodedRequest,
  type DecodedResponse,
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  type RequestPrefix,
  readRequestPrefix,
} from './frames.js'
export {
  RequestHeader,
  type RequestHeaderValue,
  ResponseHeader,
  type ResponseHeaderValue,
  requestHeaderVersion,
  responseHeaderVersion,
} from './headers.js'
export { type AnyApi, type ApiName, Apis, allApis, apiByKey } from './messages/index.js'
export { CorruptRecordError, ProtocolError } from './protocol-error.js'
export { Reader } from './reader.js'
export * from './records/index.js'
export type {
  FieldSpec,
  FieldValue,
  MessageInput,
  MessageOf,
  MessageSpec,
  PrimitiveType,
  Struct,
  StructInput,
  VersionRange,
} from './schema.js'
export { inVersionRange, parseVersionRange } from './schema.js'
export { Writer } from './writer.js'
