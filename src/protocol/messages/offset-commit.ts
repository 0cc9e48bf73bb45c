import type { MessageSpec } from '../schema.js'

/**
 * OffsetCommit (key 8), versions 0-8.
 * v1 adds the group generation and member id, plus a per-partition commit
 * timestamp; v2 drops that timestamp in favour of a request-wide retention
 * time; v3 adds throttle time to the response; v4 only changes when the broker
 * throttles; v5 drops the retention time again (the broker config decides);
 * v6 adds the leader epoch of each committed offset; v7 adds the static member
 * id (KIP-345); v8 is the first flexible version. Kafka 4.0 no longer serves
 * v0-1, so the commit timestamp is only found in older definitions.
 */
export const OffsetCommitRequest = {
  apiKey: 8,
  name: 'OffsetCommitRequest',
  type: 'request',
  validVersions: '0-8',
  flexibleVersions: '8+',
  fields: [
    { name: 'groupId', type: 'string', versions: '0+' },
    // -1 lets a client outside any group (simple consumer) commit offsets.
    { name: 'generationId', type: 'int32', versions: '1+', default: -1 },
    { name: 'memberId', type: 'string', versions: '1+' },
    // Static membership id; null for dynamic members.
    { name: 'groupInstanceId', type: 'string', versions: '7+', nullableVersions: '7+', default: null },
    // How long the broker keeps these offsets; -1 means the broker's own setting.
    { name: 'retentionTimeMs', type: 'int64', versions: '2-4', default: -1 },
    {
      name: 'topics',
      type: '[]OffsetCommitRequestTopic',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        {
          name: 'partitions',
          type: '[]OffsetCommitRequestPartition',
          versions: '0+',
          fields: [
            { name: 'partitionIndex', type: 'int32', versions: '0+' },
            { name: 'committedOffset', type: 'int64', versions: '0+' },
            // Epoch of the leader the consumed record came from, for fencing after truncation.
            { name: 'committedLeaderEpoch', type: 'int32', versions: '6+', default: -1 },
            // Only v1 carried it; -1 asks the broker to stamp the commit itself.
            { name: 'commitTimestamp', type: 'int64', versions: '1', default: -1 },
            // Free-form client data stored next to the offset.
            { name: 'committedMetadata', type: 'string', versions: '0+', nullableVersions: '0+' },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSpec

export const OffsetCommitResponse = {
  apiKey: 8,
  name: 'OffsetCommitResponse',
  type: 'response',
  validVersions: '0-8',
  flexibleVersions: '8+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '3+' },
    {
      name: 'topics',
      type: '[]OffsetCommitResponseTopic',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        {
          name: 'partitions',
          type: '[]OffsetCommitResponsePartition',
          versions: '0+',
          fields: [
            { name: 'partitionIndex', type: 'int32', versions: '0+' },
            { name: 'errorCode', type: 'int16', versions: '0+' },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSpec
