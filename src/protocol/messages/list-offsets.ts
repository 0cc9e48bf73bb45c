import type { MessageSpec } from '../schema.js'

/**
 * ListOffsets (key 2), versions 0-7.
 * v0 (removed in Kafka 4.0, kept so the broker can refuse it in its own
 * form) lists offsets; v1 gives one offset per partition with its timestamp. v2 adds the isolation level and response
 * throttle time, v3 answers before throttling, v4 carries leader epochs both
 * ways for fencing, v5 only adds OFFSET_NOT_AVAILABLE, v6 is the first
 * flexible version, and v7 accepts timestamp -3 for the record with the
 * largest timestamp (KIP-734).
 */
export const ListOffsetsRequest = {
  apiKey: 2,
  name: 'ListOffsetsRequest',
  type: 'request',
  validVersions: '0-7',
  flexibleVersions: '6+',
  fields: [
    // Requesting broker id; -1 for clients, which sees only up to the high watermark.
    { name: 'replicaId', type: 'int32', versions: '0+' },
    // 0 = read uncommitted, 1 = read committed (latest means the last stable offset).
    { name: 'isolationLevel', type: 'int8', versions: '2+' },
    {
      name: 'topics',
      type: '[]ListOffsetsTopic',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        {
          name: 'partitions',
          type: '[]ListOffsetsPartition',
          versions: '0+',
          fields: [
            { name: 'partitionIndex', type: 'int32', versions: '0+' },
            // Epoch the client believes current, so a stale leader is fenced.
            { name: 'currentLeaderEpoch', type: 'int32', versions: '4+', default: -1 },
            // A time in ms, or -1 latest, -2 earliest, -3 max timestamp (v7+).
            { name: 'timestamp', type: 'int64', versions: '0+' },
            // v0 only: how many offsets to list (pre-0.10 brokers answered a list).
            { name: 'maxNumOffsets', type: 'int32', versions: '0', default: 1 },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSpec

export const ListOffsetsResponse = {
  apiKey: 2,
  name: 'ListOffsetsResponse',
  type: 'response',
  validVersions: '0-7',
  flexibleVersions: '6+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '2+' },
    {
      name: 'topics',
      type: '[]ListOffsetsTopicResponse',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        {
          name: 'partitions',
          type: '[]ListOffsetsPartitionResponse',
          versions: '0+',
          fields: [
            { name: 'partitionIndex', type: 'int32', versions: '0+' },
            { name: 'errorCode', type: 'int16', versions: '0+' },
            // v0 only: the offsets found, newest first.
            { name: 'oldStyleOffsets', type: '[]int64', versions: '0' },
            // Timestamp of the record found; -1 for the earliest/latest lookups.
            { name: 'timestamp', type: 'int64', versions: '1+', default: -1 },
            { name: 'offset', type: 'int64', versions: '1+', default: -1 },
            // Epoch of the record at that offset, for log truncation checks.
            { name: 'leaderEpoch', type: 'int32', versions: '4+', default: -1 },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSpec
