import type { MessageSpec } from '../schema.js'

/**
 * DescribeGroups (key 15), versions 0-5.
 * v1 adds throttle time to the response; v2 only changes when the broker
 * throttles; v3 can ask for the operations the caller may perform on each
 * group (KIP-430); v4 reports each member's static instance id (KIP-345); v5 is
 * the first flexible version.
 */
export const DescribeGroupsRequest = {
  apiKey: 15,
  name: 'DescribeGroupsRequest',
  type: 'request',
  validVersions: '0-5',
  flexibleVersions: '5+',
  fields: [
    { name: 'groups', type: '[]string', versions: '0+' },
    // Asks the broker to fill in authorizedOperations.
    { name: 'includeAuthorizedOperations', type: 'bool', versions: '3+' },
  ],
} as const satisfies MessageSpec

export const DescribeGroupsResponse = {
  apiKey: 15,
  name: 'DescribeGroupsResponse',
  type: 'response',
  validVersions: '0-5',
  flexibleVersions: '5+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
    {
      name: 'groups',
      type: '[]DescribedGroup',
      versions: '0+',
      fields: [
        { name: 'errorCode', type: 'int16', versions: '0+' },
        { name: 'groupId', type: 'string', versions: '0+' },
        // e.g. "Stable", "PreparingRebalance", "Dead"; empty when unknown.
        { name: 'groupState', type: 'string', versions: '0+' },
        { name: 'protocolType', type: 'string', versions: '0+' },
        // Chosen assignor name; only set while the group is stable.
        { name: 'protocolData', type: 'string', versions: '0+' },
        // Always empty for a dead group.
        {
          name: 'members',
          type: '[]DescribedGroupMember',
          versions: '0+',
          fields: [
            { name: 'memberId', type: 'string', versions: '0+' },
            {
              name: 'groupInstanceId',
              type: 'string',
              versions: '4+',
              nullableVersions: '4+',
              default: null,
            },
            { name: 'clientId', type: 'string', versions: '0+' },
            { name: 'clientHost', type: 'string', versions: '0+' },
            // Metadata and assignment are only filled in while the group is stable.
            { name: 'memberMetadata', type: 'bytes', versions: '0+' },
            { name: 'memberAssignment', type: 'bytes', versions: '0+' },
          ],
        },
        // Bit set of ACL operations; INT32_MIN means "not requested".
        { name: 'authorizedOperations', type: 'int32', versions: '3+', default: -2147483648 },
      ],
    },
  ],
} as const satisfies MessageSpec
