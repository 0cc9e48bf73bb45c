import type { MessageSpec } from '../schema.js'

/**
 * LeaveGroup (key 13), versions 0-4.
 * v1 adds throttle time to the response; v2 only changes when the broker
 * throttles; v3 removes several members at once, each named by member id
 * and/or static instance id, with a result per member (KIP-345); v4 is the
 * first flexible version.
 */
export const LeaveGroupRequest = {
  apiKey: 13,
  name: 'LeaveGroupRequest',
  type: 'request',
  validVersions: '0-4',
  flexibleVersions: '4+',
  fields: [
    { name: 'groupId', type: 'string', versions: '0+' },
    // Single-member form, replaced by `members` in v3.
    { name: 'memberId', type: 'string', versions: '0-2' },
    {
      name: 'members',
      type: '[]MemberIdentity',
      versions: '3+',
      fields: [
        { name: 'memberId', type: 'string', versions: '3+' },
        // Lets an admin remove a static member without knowing its member id.
        { name: 'groupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+', default: null },
      ],
    },
  ],
} as const satisfies MessageSpec

export const LeaveGroupResponse = {
  apiKey: 13,
  name: 'LeaveGroupResponse',
  type: 'response',
  validVersions: '0-4',
  flexibleVersions: '4+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    // One result per member named in the request.
    {
      name: 'members',
      type: '[]MemberResponse',
      versions: '3+',
      fields: [
        { name: 'memberId', type: 'string', versions: '3+' },
        { name: 'groupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+' },
        { name: 'errorCode', type: 'int16', versions: '3+' },
      ],
    },
  ],
} as const satisfies MessageSpec
