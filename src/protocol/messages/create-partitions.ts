import type { MessageSpec } from '../schema.js'

/**
 * CreatePartitions (key 37), versions 0-3.
 * Raises the partition count of existing topics. v1 only changes throttling;
 * v2 is the first flexible version; v3 may answer THROTTLING_QUOTA_EXCEEDED
 * (KIP-599).
 */
export const CreatePartitionsRequest = {
  apiKey: 37,
  name: 'CreatePartitionsRequest',
  type: 'request',
  validVersions: '0-3',
  flexibleVersions: '2+',
  fields: [
    {
      name: 'topics',
      type: '[]CreatePartitionsTopic',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        // The total partition count wanted, not the number to add.
        { name: 'count', type: 'int32', versions: '0+' },
        // Replicas for each new partition, in order; null lets the broker place them.
        {
          name: 'assignments',
          type: '[]CreatePartitionsAssignment',
          versions: '0+',
          nullableVersions: '0+',
          fields: [{ name: 'brokerIds', type: '[]int32', versions: '0+' }],
        },
      ],
    },
    { name: 'timeoutMs', type: 'int32', versions: '0+' },
    // Check the request without adding partitions.
    { name: 'validateOnly', type: 'bool', versions: '0+' },
  ],
} as const satisfies MessageSpec

export const CreatePartitionsResponse = {
  apiKey: 37,
  name: 'CreatePartitionsResponse',
  type: 'response',
  validVersions: '0-3',
  flexibleVersions: '2+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'results',
      type: '[]CreatePartitionsTopicResult',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        { name: 'errorCode', type: 'int16', versions: '0+' },
        { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+', default: null },
      ],
    },
  ],
} as const satisfies MessageSpec
