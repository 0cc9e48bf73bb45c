import type { MessageSpec } from '../schema.js'

/**
 * AlterConfigs (key 33), versions 0-2.
 * The legacy form: each resource's configs are replaced as a whole, so a
 * key left out of the request goes back to its default. v1 only changes
 * throttling; v2 is the first flexible version. IncrementalAlterConfigs
 * (key 44) is what current clients use.
 */
export const AlterConfigsRequest = {
  apiKey: 33,
  name: 'AlterConfigsRequest',
  type: 'request',
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    {
      name: 'resources',
      type: '[]AlterConfigsResource',
      versions: '0+',
      fields: [
        // 2 topic, 4 broker, 8 broker logger (Kafka's ConfigResource.Type codes).
        { name: 'resourceType', type: 'int8', versions: '0+' },
        { name: 'resourceName', type: 'string', versions: '0+' },
        // The complete set of overrides the resource is to have.
        {
          name: 'configs',
          type: '[]AlterableConfig',
          versions: '0+',
          fields: [
            { name: 'name', type: 'string', versions: '0+' },
            { name: 'value', type: 'string', versions: '0+', nullableVersions: '0+' },
          ],
        },
      ],
    },
    // Check the request without changing anything.
    { name: 'validateOnly', type: 'bool', versions: '0+' },
  ],
} as const satisfies MessageSpec

export const AlterConfigsResponse = {
  apiKey: 33,
  name: 'AlterConfigsResponse',
  type: 'response',
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'responses',
      type: '[]AlterConfigsResourceResponse',
      versions: '0+',
      fields: [
        { name: 'errorCode', type: 'int16', versions: '0+' },
        { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+', default: null },
        { name: 'resourceType', type: 'int8', versions: '0+' },
        { name: 'resourceName', type: 'string', versions: '0+' },
      ],
    },
  ],
} as const satisfies MessageSpec
