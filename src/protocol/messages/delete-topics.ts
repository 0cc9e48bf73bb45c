import type { MessageSpec } from '../schema.js'

/**
 * DeleteTopics (key 20), versions 1-6 (Kafka 4.0 dropped v0).
 * v1 adds throttle time, v2 throttles after answering and v3 may answer
 * TOPIC_DELETION_DISABLED; v4 is the first flexible version; v5 adds a
 * per-topic error message and may answer THROTTLING_QUOTA_EXCEEDED (KIP-599);
 * v6 names topics by name or by topic ID (KIP-516), replacing the plain list
 * of names, and the response then carries IDs and nullable names.
 */
export const DeleteTopicsRequest = {
  apiKey: 20,
  name: 'DeleteTopicsRequest',
  type: 'request',
  validVersions: '1-6',
  flexibleVersions: '4+',
  fields: [
    // From v6, each topic is given by name or by ID (the other left null / zero).
    {
      name: 'topics',
      type: '[]DeleteTopicState',
      versions: '6+',
      fields: [
        { name: 'name', type: 'string', versions: '6+', nullableVersions: '6+', default: null },
        { name: 'topicId', type: 'uuid', versions: '6+' },
      ],
    },
    // Before v6, topics are given by name only.
    { name: 'topicNames', type: '[]string', versions: '0-5' },
    // How long the broker waits for the deletions to finish before answering.
    { name: 'timeoutMs', type: 'int32', versions: '0+' },
  ],
} as const satisfies MessageSpec

export const DeleteTopicsResponse = {
  apiKey: 20,
  name: 'DeleteTopicsResponse',
  type: 'response',
  validVersions: '1-6',
  flexibleVersions: '4+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
    {
      name: 'responses',
      type: '[]DeletableTopicResult',
      versions: '0+',
      fields: [
        // Null from v6 when the topic was asked for by an ID the broker does not know.
        { name: 'name', type: 'string', versions: '0+', nullableVersions: '6+' },
        { name: 'topicId', type: 'uuid', versions: '6+' },
        { name: 'errorCode', type: 'int16', versions: '0+' },
        { name: 'errorMessage', type: 'string', versions: '5+', nullableVersions: '5+', default: null },
      ],
    },
  ],
} as const satisfies MessageSpec
