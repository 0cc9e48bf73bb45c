import type { MessageSpec } from '../schema.js'

/**
 * OffsetDelete (key 47), version 0 (KIP-496).
 * Deletes a group's committed offsets for some partitions. Not flexible:
 * Kafka 4.x still serves only v0.
 */
export const OffsetDeleteRequest = {
  apiKey: 47,
  name: 'OffsetDeleteRequest',
  type: 'request',
  validVersions: '0',
  flexibleVersions: 'none',
  fields: [
    { name: 'groupId', type: 'string', versions: '0+' },
    {
      name: 'topics',
      type: '[]OffsetDeleteRequestTopic',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        {
          name: 'partitions',
          type: '[]OffsetDeleteRequestPartition',
          versions: '0+',
          fields: [{ name: 'partitionIndex', type: 'int32', versions: '0+' }],
        },
      ],
    },
  ],
} as const satisfies MessageSpec

export const OffsetDeleteResponse = {
  apiKey: 47,
  name: 'OffsetDeleteResponse',
  type: 'response',
  validVersions: '0',
  flexibleVersions: 'none',
  fields: [
    // Group-level failures (unknown group, not the coordinator, a non-consumer group).
    { name: 'errorCode', type: 'int16', versions: '0+' },
    // Comes after the error code here, unlike most responses.
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'topics',
      type: '[]OffsetDeleteResponseTopic',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        {
          name: 'partitions',
          type: '[]OffsetDeleteResponsePartition',
          versions: '0+',
          fields: [
            { name: 'partitionIndex', type: 'int32', versions: '0+' },
            // GROUP_SUBSCRIBED_TO_TOPIC while a member of the group consumes the topic.
            { name: 'errorCode', type: 'int16', versions: '0+' },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSpec
