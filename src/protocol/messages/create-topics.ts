import type { MessageSpec } from '../schema.js'

/**
 * CreateTopics (key 19), versions 2-7 (Kafka 4.0 dropped v0-1).
 * v2 adds throttle time to the response and v3 throttles after answering;
 * v4 lets partition count and replication factor be -1 to take the broker
 * defaults (KIP-464); v5 is the first flexible version and echoes the created
 * topic's partitions, replication and configs (KIP-525); v6 may answer
 * THROTTLING_QUOTA_EXCEEDED (KIP-599); v7 returns the new topic's ID.
 */
export const CreateTopicsRequest = {
  apiKey: 19,
  name: 'CreateTopicsRequest',
  type: 'request',
  validVersions: '2-7',
  flexibleVersions: '5+',
  fields: [
    {
      name: 'topics',
      type: '[]CreatableTopic',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        // -1 when assignments are given or the broker default should apply.
        { name: 'numPartitions', type: 'int32', versions: '0+' },
        // -1 when assignments are given or the broker default should apply.
        { name: 'replicationFactor', type: 'int16', versions: '0+' },
        // Explicit replica placement; empty means the broker chooses.
        {
          name: 'assignments',
          type: '[]CreatableReplicaAssignment',
          versions: '0+',
          fields: [
            { name: 'partitionIndex', type: 'int32', versions: '0+' },
            { name: 'brokerIds', type: '[]int32', versions: '0+' },
          ],
        },
        // Topic-level config overrides.
        {
          name: 'configs',
          type: '[]CreatableTopicConfig',
          versions: '0+',
          fields: [
            { name: 'name', type: 'string', versions: '0+' },
            { name: 'value', type: 'string', versions: '0+', nullableVersions: '0+' },
          ],
        },
      ],
    },
    { name: 'timeoutMs', type: 'int32', versions: '0+', default: 60000 },
    // Check that creation would succeed without creating anything.
    { name: 'validateOnly', type: 'bool', versions: '1+' },
  ],
} as const satisfies MessageSpec

export const CreateTopicsResponse = {
  apiKey: 19,
  name: 'CreateTopicsResponse',
  type: 'response',
  validVersions: '2-7',
  flexibleVersions: '5+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '2+' },
    {
      name: 'topics',
      type: '[]CreatableTopicResult',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        // ID the new topic was given; all zeroes when creation failed.
        { name: 'topicId', type: 'uuid', versions: '7+' },
        { name: 'errorCode', type: 'int16', versions: '0+' },
        { name: 'errorMessage', type: 'string', versions: '1+', nullableVersions: '0+' },
        // Why configs are missing when the topic was created but they could not be described.
        { name: 'topicConfigErrorCode', type: 'int16', versions: '5+', taggedVersions: '5+', tag: 0 },
        { name: 'numPartitions', type: 'int32', versions: '5+', default: -1 },
        { name: 'replicationFactor', type: 'int16', versions: '5+', default: -1 },
        // The effective configuration of the created topic; null when not returned.
        {
          name: 'configs',
          type: '[]CreatableTopicConfigs',
          versions: '5+',
          nullableVersions: '5+',
          fields: [
            { name: 'name', type: 'string', versions: '5+' },
            { name: 'value', type: 'string', versions: '5+', nullableVersions: '5+' },
            { name: 'readOnly', type: 'bool', versions: '5+' },
            // Where the value comes from (topic override, broker default, ...); -1 unknown.
            { name: 'configSource', type: 'int8', versions: '5+', default: -1 },
            { name: 'isSensitive', type: 'bool', versions: '5+' },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSpec
