import type { MessageSpec } from '../schema.js'

/**
 * SyncGroup (key 14), versions 0-5.
 * v1 adds throttle time to the response; v2 only changes when the broker
 * throttles; v3 adds the static member id (KIP-345); v4 is the first flexible
 * version; v5 sends the protocol type and name both ways so each side can
 * check the other agrees (KIP-559).
 */
export const SyncGroupRequest = {
  apiKey: 14,
  name: 'SyncGroupRequest',
  type: 'request',
  validVersions: '0-5',
  flexibleVersions: '4+',
  fields: [
    { name: 'groupId', type: 'string', versions: '0+' },
    { name: 'generationId', type: 'int32', versions: '0+' },
    { name: 'memberId', type: 'string', versions: '0+' },
    // Static membership id; null for dynamic members.
    { name: 'groupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+', default: null },
    // The broker rejects the sync if these disagree with what the group chose.
    { name: 'protocolType', type: 'string', versions: '5+', nullableVersions: '5+', default: null },
    { name: 'protocolName', type: 'string', versions: '5+', nullableVersions: '5+', default: null },
    // Sent only by the leader: the assignment computed for each member.
    {
      name: 'assignments',
      type: '[]SyncGroupRequestAssignment',
      versions: '0+',
      fields: [
        { name: 'memberId', type: 'string', versions: '0+' },
        { name: 'assignment', type: 'bytes', versions: '0+' },
      ],
    },
  ],
} as const satisfies MessageSpec

export const SyncGroupResponse = {
  apiKey: 14,
  name: 'SyncGroupResponse',
  type: 'response',
  validVersions: '0-5',
  flexibleVersions: '4+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'protocolType', type: 'string', versions: '5+', nullableVersions: '5+', default: null },
    { name: 'protocolName', type: 'string', versions: '5+', nullableVersions: '5+', default: null },
    // This member's share, opaque to the broker.
    { name: 'assignment', type: 'bytes', versions: '0+' },
  ],
} as const satisfies MessageSpec
