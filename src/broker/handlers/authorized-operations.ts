/**
 * The ACL-operation bit fields of Metadata and DescribeCluster (KIP-430).
 * There is no authorizer, so everything is allowed; the values are what
 * Kafka 4.1 answers when it runs without one.
 */

const bits = (operations: readonly number[]) => operations.reduce((field, op) => field | (1 << op), 0)

/** READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS. */
export const ALL_TOPIC_OPERATIONS = bits([3, 4, 5, 6, 7, 8, 10, 11])

/** CREATE, ALTER, DESCRIBE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE (8096). */
export const ALL_CLUSTER_OPERATIONS = bits([5, 7, 8, 9, 10, 11, 12])

/** The schema default: the client did not ask. */
export const OPERATIONS_NOT_REQUESTED = -2147483648
