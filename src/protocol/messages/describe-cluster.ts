import type { MessageSpec } from '../schema.js'

/**
 * DescribeCluster (key 60), versions 0-2 (KIP-700).
 * The admin client's view of the cluster: id, controller, brokers. Flexible
 * from v0. v1 asks for brokers or controllers (KIP-919); v2 may include
 * fenced brokers and says which are (KIP-1073).
 */
export const DescribeClusterRequest = {
  apiKey: 60,
  name: 'DescribeClusterRequest',
  type: 'request',
  validVersions: '0-2',
  flexibleVersions: '0+',
  fields: [
    { name: 'includeClusterAuthorizedOperations', type: 'bool', versions: '0+' },
    // 1 brokers, 2 controllers; a broker answers only 1.
    { name: 'endpointType', type: 'int8', versions: '1+', default: 1 },
    { name: 'includeFencedBrokers', type: 'bool', versions: '2+' },
  ],
} as const satisfies MessageSpec

export const DescribeClusterResponse = {
  apiKey: 60,
  name: 'DescribeClusterResponse',
  type: 'response',
  validVersions: '0-2',
  flexibleVersions: '0+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    // v1+: MISMATCHED_ENDPOINT_TYPE / UNSUPPORTED_ENDPOINT_TYPE for the wrong kind of endpoint.
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+', default: null },
    // The kind of endpoint described, echoing the request.
    { name: 'endpointType', type: 'int8', versions: '1+', default: 1 },
    { name: 'clusterId', type: 'string', versions: '0+' },
    // Under KRaft a broker reports a random live broker here, not the quorum controller.
    { name: 'controllerId', type: 'int32', versions: '0+', default: -1 },
    {
      name: 'brokers',
      type: '[]DescribeClusterBroker',
      versions: '0+',
      fields: [
        { name: 'brokerId', type: 'int32', versions: '0+' },
        { name: 'host', type: 'string', versions: '0+' },
        { name: 'port', type: 'int32', versions: '0+' },
        { name: 'rack', type: 'string', versions: '0+', nullableVersions: '0+', default: null },
        { name: 'isFenced', type: 'bool', versions: '2+' },
      ],
    },
    // Bit field of permitted operations; INT32_MIN when not asked for.
    { name: 'clusterAuthorizedOperations', type: 'int32', versions: '0+', default: -2147483648 },
  ],
} as const satisfies MessageSpec
