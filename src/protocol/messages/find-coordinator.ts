import type { MessageSpec } from '../schema.js'

/**
 * FindCoordinator (key 10), versions 0-4.
 * v1 adds the key type (group or transaction) and, in the response, throttle
 * time and an error message; v2 only changes when the broker throttles; v3 is
 * the first flexible version; v4 looks up several keys in one request and
 * answers with one coordinator entry per key (KIP-699), retiring the
 * single-key fields.
 */
export const FindCoordinatorRequest = {
  apiKey: 10,
  name: 'FindCoordinatorRequest',
  type: 'request',
  validVersions: '0-4',
  flexibleVersions: '3+',
  fields: [
    // Group id or transactional id, depending on keyType.
    { name: 'key', type: 'string', versions: '0-3' },
    // 0 = consumer group, 1 = transaction.
    { name: 'keyType', type: 'int8', versions: '1+' },
    // Batched form of `key` (KIP-699).
    { name: 'coordinatorKeys', type: '[]string', versions: '4+' },
  ],
} as const satisfies MessageSpec

export const FindCoordinatorResponse = {
  apiKey: 10,
  name: 'FindCoordinatorResponse',
  type: 'response',
  validVersions: '0-4',
  flexibleVersions: '3+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
    { name: 'errorCode', type: 'int16', versions: '0-3' },
    { name: 'errorMessage', type: 'string', versions: '1-3', nullableVersions: '1-3' },
    { name: 'nodeId', type: 'int32', versions: '0-3' },
    { name: 'host', type: 'string', versions: '0-3' },
    { name: 'port', type: 'int32', versions: '0-3' },
    // One entry per requested key, each with its own error (KIP-699).
    {
      name: 'coordinators',
      type: '[]Coordinator',
      versions: '4+',
      fields: [
        { name: 'key', type: 'string', versions: '4+' },
        { name: 'nodeId', type: 'int32', versions: '4+' },
        { name: 'host', type: 'string', versions: '4+' },
        { name: 'port', type: 'int32', versions: '4+' },
        { name: 'errorCode', type: 'int16', versions: '4+' },
        { name: 'errorMessage', type: 'string', versions: '4+', nullableVersions: '4+' },
      ],
    },
  ],
} as const satisfies MessageSpec
