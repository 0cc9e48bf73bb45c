/**
 * Kafka's error codes as typed errors.
 *
 * Every response carries 16-bit error codes; this module turns them into
 * `KafkaError`s that say what went wrong and whether trying again can help.
 * The table below is the single source: `ErrorCode`, the lookups and the error
 * class are all derived from it, so a code can never disagree with its name.
 *
 * Codes and names follow Kafka's `Errors` enum (Kafka 4.2, codes -1 to 133,
 * no gaps). `retriable` follows the Java client: an error is retriable when its
 * exception class descends from `RetriableException` (that includes the
 * metadata-refresh family such as NOT_LEADER_OR_FOLLOWER and the newer
 * `RefreshRetriableException` branch). Messages are our own one-line wording.
 */

interface ErrorRow {
  readonly code: number
  readonly name: string
  readonly retriable: boolean
  readonly message: string
}

// Kept in code order. `as const` keeps each name and code as a literal type,
// which is what lets `ErrorCode.UNKNOWN_TOPIC_OR_PARTITION` have the type `3`.
const ROWS = [
  {
    code: -1,
    name: 'UNKNOWN_SERVER_ERROR',
    retriable: false,
    message: 'The broker hit an unexpected failure while handling the request.',
  },
  { code: 0, name: 'NONE', retriable: false, message: 'No error.' },
  {
    code: 1,
    name: 'OFFSET_OUT_OF_RANGE',
    retriable: false,
    message: 'The requested offset lies outside the range of offsets the partition holds.',
  },
  {
    code: 2,
    name: 'CORRUPT_MESSAGE',
    retriable: true,
    message: 'A record batch failed its CRC check, exceeds the size limit, or is otherwise malformed.',
  },
  {
    code: 3,
    name: 'UNKNOWN_TOPIC_OR_PARTITION',
    retriable: true,
    message: 'This broker does not know the requested topic or partition.',
  },
  {
    code: 4,
    name: 'INVALID_FETCH_SIZE',
    retriable: false,
    message: 'The fetch size in the request is not valid.',
  },
  {
    code: 5,
    name: 'LEADER_NOT_AVAILABLE',
    retriable: true,
    message: 'The partition has no leader right now, usually because an election is under way.',
  },
  {
    code: 6,
    name: 'NOT_LEADER_OR_FOLLOWER',
    retriable: true,
    message: 'This broker is not the leader, or not a replica, for the partition; refresh metadata.',
  },
  {
    code: 7,
    name: 'REQUEST_TIMED_OUT',
    retriable: true,
    message: 'The broker did not complete the request within its timeout.',
  },
  { code: 8, name: 'BROKER_NOT_AVAILABLE', retriable: false, message: 'The broker is not available.' },
  {
    code: 9,
    name: 'REPLICA_NOT_AVAILABLE',
    retriable: true,
    message: 'The replica for the requested partition is not available.',
  },
  {
    code: 10,
    name: 'MESSAGE_TOO_LARGE',
    retriable: false,
    message: 'A record batch is larger than the broker is willing to accept.',
  },
  {
    code: 11,
    name: 'STALE_CONTROLLER_EPOCH',
    retriable: false,
    message: 'The request came from a controller that has since been replaced.',
  },
  {
    code: 12,
    name: 'OFFSET_METADATA_TOO_LARGE',
    retriable: false,
    message: 'The metadata string attached to a committed offset is too long.',
  },
  {
    code: 13,
    name: 'NETWORK_EXCEPTION',
    retriable: true,
    message: 'The connection closed before a response arrived.',
  },
  {
    code: 14,
    name: 'COORDINATOR_LOAD_IN_PROGRESS',
    retriable: true,
    message: 'The coordinator is still loading its state and cannot serve requests yet.',
  },
  {
    code: 15,
    name: 'COORDINATOR_NOT_AVAILABLE',
    retriable: true,
    message: 'The coordinator is not available.',
  },
  {
    code: 16,
    name: 'NOT_COORDINATOR',
    retriable: true,
    message: 'This broker is not the coordinator for the group or transaction.',
  },
  {
    code: 17,
    name: 'INVALID_TOPIC_EXCEPTION',
    retriable: false,
    message: 'The topic name is invalid, or the operation is not allowed on this topic.',
  },
  {
    code: 18,
    name: 'RECORD_LIST_TOO_LARGE',
    retriable: false,
    message: 'A record batch is larger than the configured log segment size.',
  },
  {
    code: 19,
    name: 'NOT_ENOUGH_REPLICAS',
    retriable: true,
    message: 'There are fewer in-sync replicas than required, so the records were rejected.',
  },
  {
    code: 20,
    name: 'NOT_ENOUGH_REPLICAS_AFTER_APPEND',
    retriable: true,
    message: 'The records were written, but to fewer in-sync replicas than required.',
  },
  {
    code: 21,
    name: 'INVALID_REQUIRED_ACKS',
    retriable: false,
    message: 'The produce request asked for an acks value the broker does not support.',
  },
  {
    code: 22,
    name: 'ILLEGAL_GENERATION',
    retriable: false,
    message: 'The group generation id in the request is not the current one.',
  },
  {
    code: 23,
    name: 'INCONSISTENT_GROUP_PROTOCOL',
    retriable: false,
    message: "The member's protocol type or protocols do not match the rest of the group.",
  },
  { code: 24, name: 'INVALID_GROUP_ID', retriable: false, message: 'The group id is not valid.' },
  {
    code: 25,
    name: 'UNKNOWN_MEMBER_ID',
    retriable: false,
    message: 'The coordinator does not know this member id.',
  },
  {
    code: 26,
    name: 'INVALID_SESSION_TIMEOUT',
    retriable: false,
    message: 'The session timeout is outside the range the broker allows.',
  },
  {
    code: 27,
    name: 'REBALANCE_IN_PROGRESS',
    retriable: false,
    message: 'The group is rebalancing, so the member has to rejoin.',
  },
  {
    code: 28,
    name: 'INVALID_COMMIT_OFFSET_SIZE',
    retriable: false,
    message: 'The offset commit data does not have a valid size.',
  },
  {
    code: 29,
    name: 'TOPIC_AUTHORIZATION_FAILED',
    retriable: false,
    message: 'The client is not authorized to access the topic.',
  },
  {
    code: 30,
    name: 'GROUP_AUTHORIZATION_FAILED',
    retriable: false,
    message: 'The client is not authorized to access the group.',
  },
  {
    code: 31,
    name: 'CLUSTER_AUTHORIZATION_FAILED',
    retriable: false,
    message: 'The client is not authorized to perform cluster operations.',
  },
  {
    code: 32,
    name: 'INVALID_TIMESTAMP',
    retriable: false,
    message: 'A record timestamp is outside the accepted range.',
  },
  {
    code: 33,
    name: 'UNSUPPORTED_SASL_MECHANISM',
    retriable: false,
    message: 'The broker does not support the requested SASL mechanism.',
  },
  {
    code: 34,
    name: 'ILLEGAL_SASL_STATE',
    retriable: false,
    message: 'The request is not allowed in the current state of the SASL handshake.',
  },
  {
    code: 35,
    name: 'UNSUPPORTED_VERSION',
    retriable: false,
    message: 'The broker does not support this version of the API.',
  },
  {
    code: 36,
    name: 'TOPIC_ALREADY_EXISTS',
    retriable: false,
    message: 'A topic with this name already exists.',
  },
  { code: 37, name: 'INVALID_PARTITIONS', retriable: false, message: 'The partition count is not valid.' },
  {
    code: 38,
    name: 'INVALID_REPLICATION_FACTOR',
    retriable: false,
    message: 'The replication factor is not valid for this cluster.',
  },
  {
    code: 39,
    name: 'INVALID_REPLICA_ASSIGNMENT',
    retriable: false,
    message: 'The replica assignment is not valid.',
  },
  { code: 40, name: 'INVALID_CONFIG', retriable: false, message: 'The configuration is not valid.' },
  { code: 41, name: 'NOT_CONTROLLER', retriable: true, message: 'This broker is not the active controller.' },
  {
    code: 42,
    name: 'INVALID_REQUEST',
    retriable: false,
    message: 'The broker could not make sense of the request; its log has the details.',
  },
  {
    code: 43,
    name: 'UNSUPPORTED_FOR_MESSAGE_FORMAT',
    retriable: false,
    message: "The broker's message format version does not support this request.",
  },
  {
    code: 44,
    name: 'POLICY_VIOLATION',
    retriable: false,
    message: 'The request breaks a policy configured on the broker.',
  },
  {
    code: 45,
    name: 'OUT_OF_ORDER_SEQUENCE_NUMBER',
    retriable: false,
    message: 'The broker received a producer sequence number out of order.',
  },
  {
    code: 46,
    name: 'DUPLICATE_SEQUENCE_NUMBER',
    retriable: false,
    message: 'The broker received a producer sequence number it has already seen.',
  },
  {
    code: 47,
    name: 'INVALID_PRODUCER_EPOCH',
    retriable: false,
    message: 'The producer used an epoch older than the current one.',
  },
  {
    code: 48,
    name: 'INVALID_TXN_STATE',
    retriable: false,
    message: "The transactional operation is not valid in the transaction's current state.",
  },
  {
    code: 49,
    name: 'INVALID_PRODUCER_ID_MAPPING',
    retriable: false,
    message: 'The producer id is not the one currently assigned to this transactional id.',
  },
  {
    code: 50,
    name: 'INVALID_TRANSACTION_TIMEOUT',
    retriable: false,
    message: 'The transaction timeout exceeds the maximum the broker allows.',
  },
  {
    code: 51,
    name: 'CONCURRENT_TRANSACTIONS',
    retriable: true,
    message: 'Another operation on the same transaction is still in progress.',
  },
  {
    code: 52,
    name: 'TRANSACTION_COORDINATOR_FENCED',
    retriable: false,
    message: 'The transaction coordinator that sent this marker is no longer the current one.',
  },
  {
    code: 53,
    name: 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
    retriable: false,
    message: 'The client is not authorized to use the transactional id.',
  },
  {
    code: 54,
    name: 'SECURITY_DISABLED',
    retriable: false,
    message: 'Security features are disabled on the broker.',
  },
  {
    code: 55,
    name: 'OPERATION_NOT_ATTEMPTED',
    retriable: false,
    message: 'The broker skipped this operation because another one in the same batch failed.',
  },
  {
    code: 56,
    name: 'KAFKA_STORAGE_ERROR',
    retriable: true,
    message: 'The broker hit a disk error while accessing the log.',
  },
  {
    code: 57,
    name: 'LOG_DIR_NOT_FOUND',
    retriable: false,
    message: 'The requested log directory is not configured on the broker.',
  },
  { code: 58, name: 'SASL_AUTHENTICATION_FAILED', retriable: false, message: 'SASL authentication failed.' },
  {
    code: 59,
    name: 'UNKNOWN_PRODUCER_ID',
    retriable: false,
    message: 'The broker holds no state for this producer id, for example because all its records expired.',
  },
  {
    code: 60,
    name: 'REASSIGNMENT_IN_PROGRESS',
    retriable: false,
    message: 'A partition reassignment is in progress.',
  },
  {
    code: 61,
    name: 'DELEGATION_TOKEN_AUTH_DISABLED',
    retriable: false,
    message: 'Delegation tokens are not enabled.',
  },
  {
    code: 62,
    name: 'DELEGATION_TOKEN_NOT_FOUND',
    retriable: false,
    message: 'The delegation token does not exist.',
  },
  {
    code: 63,
    name: 'DELEGATION_TOKEN_OWNER_MISMATCH',
    retriable: false,
    message: 'The principal is neither the owner nor a renewer of the delegation token.',
  },
  {
    code: 64,
    name: 'DELEGATION_TOKEN_REQUEST_NOT_ALLOWED',
    retriable: false,
    message: 'Delegation token requests are not allowed on this kind of connection.',
  },
  {
    code: 65,
    name: 'DELEGATION_TOKEN_AUTHORIZATION_FAILED',
    retriable: false,
    message: 'The client is not authorized for the delegation token operation.',
  },
  {
    code: 66,
    name: 'DELEGATION_TOKEN_EXPIRED',
    retriable: false,
    message: 'The delegation token has expired.',
  },
  {
    code: 67,
    name: 'INVALID_PRINCIPAL_TYPE',
    retriable: false,
    message: 'The principal type is not supported.',
  },
  { code: 68, name: 'NON_EMPTY_GROUP', retriable: false, message: 'The group still has members.' },
  { code: 69, name: 'GROUP_ID_NOT_FOUND', retriable: false, message: 'The group does not exist.' },
  {
    code: 70,
    name: 'FETCH_SESSION_ID_NOT_FOUND',
    retriable: true,
    message: 'The broker does not know the fetch session id.',
  },
  {
    code: 71,
    name: 'INVALID_FETCH_SESSION_EPOCH',
    retriable: true,
    message: "The fetch session epoch does not match the broker's.",
  },
  {
    code: 72,
    name: 'LISTENER_NOT_FOUND',
    retriable: true,
    message: 'The partition leader has no listener matching the one this request arrived on.',
  },
  {
    code: 73,
    name: 'TOPIC_DELETION_DISABLED',
    retriable: false,
    message: 'Topic deletion is disabled on the broker.',
  },
  {
    code: 74,
    name: 'FENCED_LEADER_EPOCH',
    retriable: true,
    message: "The leader epoch in the request is older than the broker's.",
  },
  {
    code: 75,
    name: 'UNKNOWN_LEADER_EPOCH',
    retriable: true,
    message: "The leader epoch in the request is newer than the broker's.",
  },
  {
    code: 76,
    name: 'UNSUPPORTED_COMPRESSION_TYPE',
    retriable: false,
    message: 'The client does not support the compression type used by the partition.',
  },
  {
    code: 77,
    name: 'STALE_BROKER_EPOCH',
    retriable: false,
    message: 'The broker epoch in the request is out of date.',
  },
  {
    code: 78,
    name: 'OFFSET_NOT_AVAILABLE',
    retriable: true,
    message: "The new leader's high watermark has not caught up yet, so offsets cannot be served.",
  },
  {
    code: 79,
    name: 'MEMBER_ID_REQUIRED',
    retriable: false,
    message: 'The member has to rejoin using the member id the coordinator just assigned.',
  },
  {
    code: 80,
    name: 'PREFERRED_LEADER_NOT_AVAILABLE',
    retriable: true,
    message: 'The preferred leader is not available.',
  },
  {
    code: 81,
    name: 'GROUP_MAX_SIZE_REACHED',
    retriable: false,
    message: 'The group already has its maximum number of members.',
  },
  {
    code: 82,
    name: 'FENCED_INSTANCE_ID',
    retriable: false,
    message: 'Another member with the same group.instance.id has replaced this one.',
  },
  {
    code: 83,
    name: 'ELIGIBLE_LEADERS_NOT_AVAILABLE',
    retriable: true,
    message: 'No eligible leader is available for the partition.',
  },
  {
    code: 84,
    name: 'ELECTION_NOT_NEEDED',
    retriable: true,
    message: 'The partition does not need a leader election.',
  },
  {
    code: 85,
    name: 'NO_REASSIGNMENT_IN_PROGRESS',
    retriable: false,
    message: 'No partition reassignment is in progress.',
  },
  {
    code: 86,
    name: 'GROUP_SUBSCRIBED_TO_TOPIC',
    retriable: false,
    message: 'Offsets cannot be deleted for a topic the group is actively subscribed to.',
  },
  {
    code: 87,
    name: 'INVALID_RECORD',
    retriable: false,
    message: 'The broker rejected a record that failed its validation.',
  },
  {
    code: 88,
    name: 'UNSTABLE_OFFSET_COMMIT',
    retriable: true,
    message: 'Pending transactional offset commits have to resolve before offsets can be read.',
  },
  {
    code: 89,
    name: 'THROTTLING_QUOTA_EXCEEDED',
    retriable: true,
    message: 'The request exceeded a throttling quota.',
  },
  {
    code: 90,
    name: 'PRODUCER_FENCED',
    retriable: false,
    message: 'A newer producer with the same transactional id has fenced this one.',
  },
  {
    code: 91,
    name: 'RESOURCE_NOT_FOUND',
    retriable: false,
    message: 'The request refers to a resource that does not exist.',
  },
  {
    code: 92,
    name: 'DUPLICATE_RESOURCE',
    retriable: false,
    message: 'The request refers to the same resource more than once.',
  },
  {
    code: 93,
    name: 'UNACCEPTABLE_CREDENTIAL',
    retriable: false,
    message: 'The credential does not meet the acceptance criteria.',
  },
  {
    code: 94,
    name: 'INCONSISTENT_VOTER_SET',
    retriable: false,
    message: 'The sender or receiver of a voter request is not one of the expected voters.',
  },
  { code: 95, name: 'INVALID_UPDATE_VERSION', retriable: false, message: 'The update version is not valid.' },
  {
    code: 96,
    name: 'FEATURE_UPDATE_FAILED',
    retriable: false,
    message: 'Updating the finalized features failed because of an unexpected server error.',
  },
  {
    code: 97,
    name: 'PRINCIPAL_DESERIALIZATION_FAILURE',
    retriable: false,
    message: 'The principal of a forwarded request could not be deserialized.',
  },
  {
    code: 98,
    name: 'SNAPSHOT_NOT_FOUND',
    retriable: false,
    message: 'The requested snapshot does not exist.',
  },
  {
    code: 99,
    name: 'POSITION_OUT_OF_RANGE',
    retriable: false,
    message: 'The requested position lies outside the snapshot.',
  },
  {
    code: 100,
    name: 'UNKNOWN_TOPIC_ID',
    retriable: true,
    message: 'This broker does not know the topic id.',
  },
  {
    code: 101,
    name: 'DUPLICATE_BROKER_REGISTRATION',
    retriable: false,
    message: 'The broker id is already registered.',
  },
  {
    code: 102,
    name: 'BROKER_ID_NOT_REGISTERED',
    retriable: false,
    message: 'The broker id is not registered.',
  },
  {
    code: 103,
    name: 'INCONSISTENT_TOPIC_ID',
    retriable: true,
    message: 'The topic id in the request does not match the topic id of the log.',
  },
  {
    code: 104,
    name: 'INCONSISTENT_CLUSTER_ID',
    retriable: false,
    message: "The cluster id in the request does not match the server's.",
  },
  {
    code: 105,
    name: 'TRANSACTIONAL_ID_NOT_FOUND',
    retriable: false,
    message: 'The transactional id does not exist.',
  },
  {
    code: 106,
    name: 'FETCH_SESSION_TOPIC_ID_ERROR',
    retriable: true,
    message: 'The fetch session used topic ids inconsistently.',
  },
  {
    code: 107,
    name: 'INELIGIBLE_REPLICA',
    retriable: false,
    message: 'The proposed ISR contains a replica that is not eligible.',
  },
  {
    code: 108,
    name: 'NEW_LEADER_ELECTED',
    retriable: false,
    message: 'The partition state was updated, but a new leader has been elected since.',
  },
  {
    code: 109,
    name: 'OFFSET_MOVED_TO_TIERED_STORAGE',
    retriable: false,
    message: 'The requested offset has moved to tiered storage.',
  },
  {
    code: 110,
    name: 'FENCED_MEMBER_EPOCH',
    retriable: false,
    message: 'The member epoch is fenced; the member must give up its partitions and rejoin.',
  },
  {
    code: 111,
    name: 'UNRELEASED_INSTANCE_ID',
    retriable: false,
    message: 'Another member still holds this instance id and has to leave first.',
  },
  {
    code: 112,
    name: 'UNSUPPORTED_ASSIGNOR',
    retriable: false,
    message: 'The group does not support the requested assignor or its version.',
  },
  {
    code: 113,
    name: 'STALE_MEMBER_EPOCH',
    retriable: false,
    message: 'The member epoch is stale; get the current one from a heartbeat and retry.',
  },
  {
    code: 114,
    name: 'MISMATCHED_ENDPOINT_TYPE',
    retriable: false,
    message: 'The request reached an endpoint of the wrong type.',
  },
  {
    code: 115,
    name: 'UNSUPPORTED_ENDPOINT_TYPE',
    retriable: false,
    message: 'This endpoint type is not supported.',
  },
  { code: 116, name: 'UNKNOWN_CONTROLLER_ID', retriable: false, message: 'The controller id is not known.' },
  {
    code: 117,
    name: 'UNKNOWN_SUBSCRIPTION_ID',
    retriable: false,
    message: 'The telemetry subscription id is unknown or out of date.',
  },
  {
    code: 118,
    name: 'TELEMETRY_TOO_LARGE',
    retriable: false,
    message: 'The pushed telemetry is larger than the broker accepts.',
  },
  {
    code: 119,
    name: 'INVALID_REGISTRATION',
    retriable: false,
    message: 'The controller considers the broker registration invalid.',
  },
  {
    code: 120,
    name: 'TRANSACTION_ABORTABLE',
    retriable: false,
    message: 'The transaction hit an error; abort it to keep using the transactional id.',
  },
  {
    code: 121,
    name: 'INVALID_RECORD_STATE',
    retriable: false,
    message: 'The record is not in a state that allows this acknowledgement.',
  },
  {
    code: 122,
    name: 'SHARE_SESSION_NOT_FOUND',
    retriable: true,
    message: 'The share session does not exist.',
  },
  {
    code: 123,
    name: 'INVALID_SHARE_SESSION_EPOCH',
    retriable: true,
    message: 'The share session epoch is not valid.',
  },
  {
    code: 124,
    name: 'FENCED_STATE_EPOCH',
    retriable: false,
    message: "The share group state epoch does not match the share coordinator's.",
  },
  {
    code: 125,
    name: 'INVALID_VOTER_KEY',
    retriable: false,
    message: 'The voter key does not match the receiving replica.',
  },
  { code: 126, name: 'DUPLICATE_VOTER', retriable: false, message: 'The voter is already in the voter set.' },
  { code: 127, name: 'VOTER_NOT_FOUND', retriable: false, message: 'The voter is not in the voter set.' },
  {
    code: 128,
    name: 'INVALID_REGULAR_EXPRESSION',
    retriable: false,
    message: 'The regular expression is not valid.',
  },
  {
    code: 129,
    name: 'REBOOTSTRAP_REQUIRED',
    retriable: false,
    message: "The client's metadata is stale and it has to bootstrap again.",
  },
  {
    code: 130,
    name: 'STREAMS_INVALID_TOPOLOGY',
    retriable: false,
    message: 'The streams topology is not valid.',
  },
  {
    code: 131,
    name: 'STREAMS_INVALID_TOPOLOGY_EPOCH',
    retriable: false,
    message: 'The streams topology epoch is not valid.',
  },
  {
    code: 132,
    name: 'STREAMS_TOPOLOGY_FENCED',
    retriable: false,
    message: 'The streams topology epoch is out of date.',
  },
  {
    code: 133,
    name: 'SHARE_SESSION_LIMIT_REACHED',
    retriable: true,
    message: 'The broker has reached its limit of share sessions.',
  },
] as const satisfies readonly ErrorRow[]

type Row = (typeof ROWS)[number]

/** Kafka's name for an error code, spelled exactly as Kafka spells it. */
export type ErrorName = Row['name']

/** One row of the error table. */
export interface ErrorInfo {
  readonly code: number
  readonly name: ErrorName
  readonly retriable: boolean
  /** What the code means, in one line. */
  readonly message: string
}

/** The name a KafkaError carries: a known Kafka name, or UNKNOWN for a code this table lacks. */
export type KafkaErrorType = ErrorName | 'UNKNOWN'

/** Every Kafka error code, ordered by code. Frozen so no caller can edit the shared table. */
export const KAFKA_ERRORS: readonly ErrorInfo[] = Object.freeze(ROWS.map((row) => Object.freeze({ ...row })))

type ErrorCodeMap = { readonly [R in Row as R['name']]: R['code'] }

/** Name to code, for writing codes in code: `ErrorCode.NOT_COORDINATOR` rather than a bare `16`. */
export const ErrorCode: ErrorCodeMap = Object.freeze(
  Object.fromEntries(ROWS.map((row) => [row.name, row.code])),
) as ErrorCodeMap

/** Any code the table knows, as a literal union (-1 | 0 | 1 | ... | 133). */
export type KnownErrorCode = ErrorCodeMap[ErrorName]

// Built once so every lookup is a single hash probe, not a scan of 135 rows.
const BY_CODE: ReadonlyMap<number, ErrorInfo> = new Map(KAFKA_ERRORS.map((info) => [info.code, info]))

/** The table row for a code, or undefined when Kafka (as of this table) defines no such code. */
export function errorInfo(code: number): ErrorInfo | undefined {
  return BY_CODE.get(code)
}

/**
 * Whether retrying the same request can succeed. Unknown codes are not
 * retriable: without knowing what failed, retrying could repeat a harmful write.
 */
export function isRetriable(code: number): boolean {
  return BY_CODE.get(code)?.retriable ?? false
}

/** Context that locates a failure, e.g. `{ topic: 'orders', partition: 2 }`. Undefined values are left out. */
export type ErrorDetails = Readonly<Record<string, string | number | bigint | boolean | undefined>>

const UNKNOWN_MESSAGE = 'The broker returned an error code this client does not know.'

/**
 * A non-zero Kafka error code as an exception. `type` is Kafka's name for the
 * code, `retriable` says whether retrying can help, and `details` holds the
 * context (topic, partition, group, ...) that is also spelled out in `message`:
 * `UNKNOWN_TOPIC_OR_PARTITION (3): This broker does not know ... topic=orders partition=2`.
 */
export class KafkaError extends Error {
  override readonly name = 'KafkaError'
  readonly code: number
  readonly type: KafkaErrorType
  readonly retriable: boolean
  readonly details?: ErrorDetails

  /**
   * @throws RangeError for code 0 (NONE is success, so building an error from it is a caller bug)
   *   and for anything that is not a 16-bit integer, which no Kafka response can hold.
   */
  constructor(code: number, details?: ErrorDetails) {
    if (!Number.isInteger(code) || code < -32768 || code > 32767) {
      throw new RangeError(`Kafka error codes are 16-bit integers, got ${code}`)
    }
    if (code === ErrorCode.NONE) {
      throw new RangeError('Error code 0 (NONE) means success and has no KafkaError')
    }
    const info = BY_CODE.get(code)
    const type: KafkaErrorType = info?.name ?? 'UNKNOWN'
    super(`${type} (${code}): ${info?.message ?? UNKNOWN_MESSAGE}${formatDetails(details)}`)
    this.code = code
    this.type = type
    this.retriable = info?.retriable ?? false
    if (details !== undefined) this.details = Object.freeze({ ...details })
  }
}

/**
 * The KafkaError for a non-zero error code read off the wire. Codes newer than
 * this table give type UNKNOWN, keep their number, and are not retriable.
 * @throws RangeError for code 0 or a value that is not a 16-bit integer (see KafkaError).
 */
export function errorForCode(code: number, context?: ErrorDetails): KafkaError {
  return new KafkaError(code, context)
}

function formatDetails(details: ErrorDetails | undefined): string {
  if (details === undefined) return ''
  let text = ''
  for (const [key, value] of Object.entries(details)) {
    if (value === undefined) continue
    text += ` ${key}=${formatValue(value)}`
  }
  return text
}

// Plain values stay bare so messages read as `topic=orders`; values that would
// blur the key=value boundaries (spaces, '=', quotes, empty) are JSON-quoted.
function formatValue(value: string | number | bigint | boolean): string {
  if (typeof value !== 'string') return String(value)
  return value === '' || /[\s="]/.test(value) ? JSON.stringify(value) : value
}
