import type { MessageSpec } from '../schema.js'

/**
 * OffsetFetch (key 9), versions 0-8.
 * v0 (ZooKeeper-era, same layout as v1) and v1 read committed offsets; v2 allows a null topic list meaning "every topic" and adds a
 * group-level error code; v3 adds throttle time; v4 only changes when the
 * broker throttles; v5 returns the leader epoch of each offset; v6 is the first
 * flexible version; v7 adds the require-stable flag (KIP-447); v8 fetches for
 * several groups at once, moving topics and errors under a per-group array
 * (KIP-709).
 */
export const OffsetFetchRequest = {
  apiKey: 9,
  name: 'OffsetFetchRequest',
  type: 'request',
  validVersions: '0-8',
  flexibleVersions: '6+',
  fields: [
    // Single-group form, replaced by `groups` in v8.
    { name: 'groupId', type: 'string', versions: '0-7' },
    // Null (from v2) asks for every topic the group has committed.
    {
      name: 'topics',
      type: '[]OffsetFetchRequestTopic',
      versions: '0-7',
      nullableVersions: '2-7',
      fields: [
        { name: 'name', type: 'string', versions: '0-7' },
        { name: 'partitionIndexes', type: '[]int32', versions: '0-7' },
      ],
    },
    // Multi-group form (KIP-709).
    {
      name: 'groups',
      type: '[]OffsetFetchRequestGroup',
      versions: '8+',
      fields: [
        { name: 'groupId', type: 'string', versions: '8+' },
        // Null asks for every topic the group has committed.
        {
          name: 'topics',
          type: '[]OffsetFetchRequestTopics',
          versions: '8+',
          nullableVersions: '8+',
          fields: [
            // Kafka replaces the name by a topic id after v8.
            { name: 'name', type: 'string', versions: '0-8' },
            { name: 'partitionIndexes', type: '[]int32', versions: '8+' },
          ],
        },
      ],
    },
    // When true, partitions with pending transactional commits return an error instead of a stale offset.
    { name: 'requireStable', type: 'bool', versions: '7+' },
  ],
} as const satisfies MessageSpec

export const OffsetFetchResponse = {
  apiKey: 9,
  name: 'OffsetFetchResponse',
  type: 'response',
  validVersions: '0-8',
  flexibleVersions: '6+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '3+' },
    // Single-group form, replaced by `groups` in v8.
    {
      name: 'topics',
      type: '[]OffsetFetchResponseTopic',
      versions: '0-7',
      fields: [
        { name: 'name', type: 'string', versions: '0-7' },
        {
          name: 'partitions',
          type: '[]OffsetFetchResponsePartition',
          versions: '0-7',
          fields: [
            { name: 'partitionIndex', type: 'int32', versions: '0-7' },
            // -1 when the group has no offset for this partition.
            { name: 'committedOffset', type: 'int64', versions: '0-7' },
            { name: 'committedLeaderEpoch', type: 'int32', versions: '5-7', default: -1 },
            { name: 'metadata', type: 'string', versions: '0-7', nullableVersions: '0-7' },
            { name: 'errorCode', type: 'int16', versions: '0-7' },
          ],
        },
      ],
    },
    // Group-level error (coordinator moved, not authorized...), before v8's per-group errors.
    { name: 'errorCode', type: 'int16', versions: '2-7' },
    // Multi-group form (KIP-709); Kafka's name for it is GroupIds.
    {
      name: 'groupIds',
      type: '[]OffsetFetchResponseGroup',
      versions: '8+',
      fields: [
        { name: 'groupId', type: 'string', versions: '8+' },
        {
          name: 'topics',
          type: '[]OffsetFetchResponseTopics',
          versions: '8+',
          fields: [
            { name: 'name', type: 'string', versions: '8+' },
            {
              name: 'partitions',
              type: '[]OffsetFetchResponsePartitions',
              versions: '8+',
              fields: [
                { name: 'partitionIndex', type: 'int32', versions: '8+' },
                { name: 'committedOffset', type: 'int64', versions: '8+' },
                { name: 'committedLeaderEpoch', type: 'int32', versions: '8+', default: -1 },
                { name: 'metadata', type: 'string', versions: '8+', nullableVersions: '8+' },
                { name: 'errorCode', type: 'int16', versions: '8+' },
              ],
            },
          ],
        },
        { name: 'errorCode', type: 'int16', versions: '8+' },
      ],
    },
  ],
} as const satisfies MessageSpec
