import type { MessageSpec } from '../schema.js'

/**
 * JoinGroup (key 11), versions 0-7.
 * v1 adds the rebalance timeout; v2 adds throttle time to the response; v3
 * only changes when the broker throttles; v4 makes a new member without an id
 * rejoin with the id the broker hands back (MEMBER_ID_REQUIRED, KIP-394); v5
 * adds the static member id (KIP-345); v6 is the first flexible version; v7
 * returns the chosen protocol type and lets the protocol name be null (KIP-559).
 */
export const JoinGroupRequest = {
  apiKey: 11,
  name: 'JoinGroupRequest',
  type: 'request',
  validVersions: '0-7',
  flexibleVersions: '6+',
  fields: [
    { name: 'groupId', type: 'string', versions: '0+' },
    // Without a heartbeat for this long, the coordinator evicts the member.
    { name: 'sessionTimeoutMs', type: 'int32', versions: '0+' },
    // How long the coordinator waits for members to rejoin; v0 uses the session timeout instead.
    { name: 'rebalanceTimeoutMs', type: 'int32', versions: '1+', default: -1 },
    // Empty on the first join; the coordinator assigns one.
    { name: 'memberId', type: 'string', versions: '0+' },
    // Static membership id; null for dynamic members.
    { name: 'groupInstanceId', type: 'string', versions: '5+', nullableVersions: '5+', default: null },
    // Kind of group, e.g. "consumer" or "connect".
    { name: 'protocolType', type: 'string', versions: '0+' },
    // Assignors this member supports, in order of preference, each with its metadata.
    {
      name: 'protocols',
      type: '[]JoinGroupRequestProtocol',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        { name: 'metadata', type: 'bytes', versions: '0+' },
      ],
    },
  ],
} as const satisfies MessageSpec

export const JoinGroupResponse = {
  apiKey: 11,
  name: 'JoinGroupResponse',
  type: 'response',
  validVersions: '0-7',
  flexibleVersions: '6+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '2+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'generationId', type: 'int32', versions: '0+', default: -1 },
    // Echo of the group's protocol type, so the client can check it (KIP-559).
    { name: 'protocolType', type: 'string', versions: '7+', nullableVersions: '7+', default: null },
    // Assignor the coordinator picked; null from v7 when the join failed.
    { name: 'protocolName', type: 'string', versions: '0+', nullableVersions: '7+' },
    // Member id of the leader, who computes the assignment.
    { name: 'leader', type: 'string', versions: '0+' },
    { name: 'memberId', type: 'string', versions: '0+' },
    // Filled in only for the leader: every member with its protocol metadata.
    {
      name: 'members',
      type: '[]JoinGroupResponseMember',
      versions: '0+',
      fields: [
        { name: 'memberId', type: 'string', versions: '0+' },
        { name: 'groupInstanceId', type: 'string', versions: '5+', nullableVersions: '5+', default: null },
        { name: 'metadata', type: 'bytes', versions: '0+' },
      ],
    },
  ],
} as const satisfies MessageSpec
