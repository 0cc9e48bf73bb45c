import type { MessageSpec } from '../schema.js'

/**
 * Metadata (key 3), versions 0-12.
 * v1 makes a null topic list mean "all topics" (in v0 the empty list did) and
 * adds racks, the controller id and the internal flag; v2 the cluster id; v3
 * throttle time; v4 lets the client refuse topic auto-creation; v5 offline
 * replicas; v6 answers before throttling; v7 partition leader epochs; v8
 * authorized-operation bitfields (KIP-430); v9 is the first flexible version;
 * v10 adds topic ids (KIP-516) and lets request names be null, though brokers
 * only honour lookups by id from v12; v11 drops the cluster-level bitfield in
 * favour of DescribeCluster (KIP-700); v12 lets response names be null for
 * unknown ids. v13's top-level error code is out of range.
 */
export const MetadataRequest = {
  apiKey: 3,
  name: 'MetadataRequest',
  type: 'request',
  validVersions: '0-12',
  flexibleVersions: '9+',
  fields: [
    // Topics to describe; null (v1+) asks for all, empty asks for none (v0: all).
    {
      name: 'topics',
      type: '[]MetadataRequestTopic',
      versions: '0+',
      nullableVersions: '1+',
      fields: [
        // Zero uuid when the topic is named rather than looked up by id.
        { name: 'topicId', type: 'uuid', versions: '10+' },
        // Null when the topic is looked up by id.
        { name: 'name', type: 'string', versions: '0+', nullableVersions: '10+' },
      ],
    },
    // Lets the broker create missing topics if its own config also allows it.
    { name: 'allowAutoTopicCreation', type: 'bool', versions: '4+', default: true },
    { name: 'includeClusterAuthorizedOperations', type: 'bool', versions: '8-10' },
    { name: 'includeTopicAuthorizedOperations', type: 'bool', versions: '8+' },
  ],
} as const satisfies MessageSpec

export const MetadataResponse = {
  apiKey: 3,
  name: 'MetadataResponse',
  type: 'response',
  validVersions: '0-12',
  flexibleVersions: '9+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '3+' },
    {
      name: 'brokers',
      type: '[]MetadataResponseBroker',
      versions: '0+',
      fields: [
        { name: 'nodeId', type: 'int32', versions: '0+' },
        { name: 'host', type: 'string', versions: '0+' },
        { name: 'port', type: 'int32', versions: '0+' },
        { name: 'rack', type: 'string', versions: '1+', nullableVersions: '1+', default: null },
      ],
    },
    { name: 'clusterId', type: 'string', versions: '2+', nullableVersions: '2+', default: null },
    // -1 when no controller is known.
    { name: 'controllerId', type: 'int32', versions: '1+', default: -1 },
    {
      name: 'topics',
      type: '[]MetadataResponseTopic',
      versions: '0+',
      fields: [
        { name: 'errorCode', type: 'int16', versions: '0+' },
        // Null only for a topic asked for by an id the broker does not know.
        { name: 'name', type: 'string', versions: '0+', nullableVersions: '12+' },
        { name: 'topicId', type: 'uuid', versions: '10+' },
        { name: 'isInternal', type: 'bool', versions: '1+', default: false },
        {
          name: 'partitions',
          type: '[]MetadataResponsePartition',
          versions: '0+',
          fields: [
            { name: 'errorCode', type: 'int16', versions: '0+' },
            { name: 'partitionIndex', type: 'int32', versions: '0+' },
            // -1 when the partition has no leader.
            { name: 'leaderId', type: 'int32', versions: '0+' },
            { name: 'leaderEpoch', type: 'int32', versions: '7+', default: -1 },
            { name: 'replicaNodes', type: '[]int32', versions: '0+' },
            { name: 'isrNodes', type: '[]int32', versions: '0+' },
            // Replicas assigned to a broker whose log directory has failed.
            { name: 'offlineReplicas', type: '[]int32', versions: '5+' },
          ],
        },
        // Bitfield of ACL operations the caller may perform; INT32_MIN when not requested.
        { name: 'topicAuthorizedOperations', type: 'int32', versions: '8+', default: -2147483648 },
      ],
    },
    // Cluster-wide bitfield, moved to DescribeCluster after v10.
    { name: 'clusterAuthorizedOperations', type: 'int32', versions: '8-10', default: -2147483648 },
  ],
} as const satisfies MessageSpec
