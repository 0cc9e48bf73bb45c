import type { MessageSpec } from '../schema.js'

/**
 * ListGroups (key 16), versions 0-4.
 * v1 adds throttle time to the response; v2 only changes when the broker
 * throttles; v3 is the first flexible version; v4 can filter by group state and
 * reports each group's state (KIP-518).
 */
export const ListGroupsRequest = {
  apiKey: 16,
  name: 'ListGroupsRequest',
  type: 'request',
  validVersions: '0-4',
  flexibleVersions: '3+',
  fields: [
    // Only groups in one of these states are listed; empty lists every group.
    { name: 'statesFilter', type: '[]string', versions: '4+' },
  ],
} as const satisfies MessageSpec

export const ListGroupsResponse = {
  apiKey: 16,
  name: 'ListGroupsResponse',
  type: 'response',
  validVersions: '0-4',
  flexibleVersions: '3+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    {
      name: 'groups',
      type: '[]ListedGroup',
      versions: '0+',
      fields: [
        { name: 'groupId', type: 'string', versions: '0+' },
        // Empty for groups that only store offsets (no members ever joined).
        { name: 'protocolType', type: 'string', versions: '0+' },
        { name: 'groupState', type: 'string', versions: '4+' },
      ],
    },
  ],
} as const satisfies MessageSpec
