import { defineApi } from '../../src/protocol/api.js'
import type { MessageSpec } from '../../src/protocol/schema.js'

/**
 * Two admin APIs only the reference tests need, to move partition leaders
 * in a Kafka cluster the way the embedded test cluster's moveLeader and
 * electPreferredLeaders do: reorder a partition's replicas so another broker
 * is preferred (AlterPartitionReassignments), then hold a preferred-leader
 * election (ElectLeaders). Written as data like src/protocol/messages/, and
 * kept here because neither the embedded broker nor the client serves them.
 */

/** AlterPartitionReassignments (key 45), version 0, flexible. */
const AlterPartitionReassignmentsRequest = {
  apiKey: 45,
  name: 'AlterPartitionReassignmentsRequest',
  type: 'request',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'timeoutMs', type: 'int32', versions: '0+', default: 60000 },
    {
      name: 'topics',
      type: '[]ReassignableTopic',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        {
          name: 'partitions',
          type: '[]ReassignablePartition',
          versions: '0+',
          fields: [
            { name: 'partitionIndex', type: 'int32', versions: '0+' },
            // The replicas in their new order, preferred leader first; null cancels a reassignment.
            { name: 'replicas', type: '[]int32', versions: '0+', nullableVersions: '0+', default: null },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSpec

const AlterPartitionReassignmentsResponse = {
  apiKey: 45,
  name: 'AlterPartitionReassignmentsResponse',
  type: 'response',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
    {
      name: 'responses',
      type: '[]ReassignableTopicResponse',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        {
          name: 'partitions',
          type: '[]ReassignablePartitionResponse',
          versions: '0+',
          fields: [
            { name: 'partitionIndex', type: 'int32', versions: '0+' },
            { name: 'errorCode', type: 'int16', versions: '0+' },
            { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSpec

/** ElectLeaders (key 43), versions 0-2: v1 adds the election type, v2 is flexible. */
const ElectLeadersRequest = {
  apiKey: 43,
  name: 'ElectLeadersRequest',
  type: 'request',
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    // 0: the preferred replica; 1: unclean (any live replica when no in-sync one is left)
    { name: 'electionType', type: 'int8', versions: '1+' },
    {
      name: 'topicPartitions',
      type: '[]TopicPartitions',
      versions: '0+',
      nullableVersions: '0+',
      fields: [
        { name: 'topic', type: 'string', versions: '0+' },
        { name: 'partitions', type: '[]int32', versions: '0+' },
      ],
    },
    { name: 'timeoutMs', type: 'int32', versions: '0+', default: 60000 },
  ],
} as const satisfies MessageSpec

const ElectLeadersResponse = {
  apiKey: 43,
  name: 'ElectLeadersResponse',
  type: 'response',
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    { name: 'errorCode', type: 'int16', versions: '1+' },
    {
      name: 'replicaElectionResults',
      type: '[]ReplicaElectionResult',
      versions: '0+',
      fields: [
        { name: 'topic', type: 'string', versions: '0+' },
        {
          name: 'partitionResult',
          type: '[]PartitionResult',
          versions: '0+',
          fields: [
            { name: 'partitionId', type: 'int32', versions: '0+' },
            { name: 'errorCode', type: 'int16', versions: '0+' },
            { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSpec

export const AlterPartitionReassignments = defineApi(
  'AlterPartitionReassignments',
  AlterPartitionReassignmentsRequest,
  AlterPartitionReassignmentsResponse,
)

export const ElectLeaders = defineApi('ElectLeaders', ElectLeadersRequest, ElectLeadersResponse)
