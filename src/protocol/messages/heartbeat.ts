import type { MessageSpec } from '../schema.js'

/**
 * Heartbeat (key 12), versions 0-4.
 * v1 adds throttle time to the response; v2 only changes when the broker
 * throttles; v3 adds the static member id (KIP-345); v4 is the first flexible
 * version.
 */
export const HeartbeatRequest = {
  apiKey: 12,
  name: 'HeartbeatRequest',
  type: 'request',
  validVersions: '0-4',
  flexibleVersions: '4+',
  fields: [
    { name: 'groupId', type: 'string', versions: '0+' },
    // A stale generation tells the member it must rejoin.
    { name: 'generationId', type: 'int32', versions: '0+' },
    { name: 'memberId', type: 'string', versions: '0+' },
    // Static membership id; null for dynamic members.
    { name: 'groupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+', default: null },
  ],
} as const satisfies MessageSpec

export const HeartbeatResponse = {
  apiKey: 12,
  name: 'HeartbeatResponse',
  type: 'response',
  validVersions: '0-4',
  flexibleVersions: '4+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
    // REBALANCE_IN_PROGRESS here is how members learn they must rejoin.
    { name: 'errorCode', type: 'int16', versions: '0+' },
  ],
} as const satisfies MessageSpec
