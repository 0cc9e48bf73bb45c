import type { MessageSpec } from '../schema.js'

/**
 * DeleteGroups (key 42), versions 0-2.
 * v1 only changes when the broker throttles; v2 is the first flexible version.
 * Kafka 4.0 dropped v0, but its layout is identical to v1.
 */
export const DeleteGroupsRequest = {
  apiKey: 42,
  name: 'DeleteGroupsRequest',
  type: 'request',
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    // Kafka's field name really is GroupsNames.
    { name: 'groupsNames', type: '[]string', versions: '0+' },
  ],
} as const satisfies MessageSpec

export const DeleteGroupsResponse = {
  apiKey: 42,
  name: 'DeleteGroupsResponse',
  type: 'response',
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    // Present from v0, unlike most APIs of its era.
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    // One result per requested group; only groups with no active members can be deleted.
    {
      name: 'results',
      type: '[]DeletableGroupResult',
      versions: '0+',
      fields: [
        { name: 'groupId', type: 'string', versions: '0+' },
        { name: 'errorCode', type: 'int16', versions: '0+' },
      ],
    },
  ],
} as const satisfies MessageSpec
