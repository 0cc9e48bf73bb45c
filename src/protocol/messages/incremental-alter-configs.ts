import type { MessageSpec } from '../schema.js'

/**
 * IncrementalAlterConfigs (key 44), versions 0-1 (KIP-339).
 * Changes single keys of a resource's configs and leaves the others as they
 * are: SET, DELETE (back to the default), APPEND and SUBTRACT (list-typed
 * configs only). v1 is the first flexible version.
 */
export const IncrementalAlterConfigsRequest = {
  apiKey: 44,
  name: 'IncrementalAlterConfigsRequest',
  type: 'request',
  validVersions: '0-1',
  flexibleVersions: '1+',
  fields: [
    {
      name: 'resources',
      type: '[]AlterConfigsResource',
      versions: '0+',
      fields: [
        // 2 topic, 4 broker, 8 broker logger, 16 client metrics, 32 group (ConfigResource.Type codes).
        { name: 'resourceType', type: 'int8', versions: '0+' },
        { name: 'resourceName', type: 'string', versions: '0+' },
        {
          name: 'configs',
          type: '[]AlterableConfig',
          versions: '0+',
          fields: [
            { name: 'name', type: 'string', versions: '0+' },
            // 0 SET, 1 DELETE, 2 APPEND, 3 SUBTRACT (AlterConfigOp.OpType).
            { name: 'configOperation', type: 'int8', versions: '0+' },
            // Ignored by DELETE; APPEND and SUBTRACT take a comma-separated list.
            { name: 'value', type: 'string', versions: '0+', nullableVersions: '0+' },
          ],
        },
      ],
    },
    // Check the request without changing anything.
    { name: 'validateOnly', type: 'bool', versions: '0+' },
  ],
} as const satisfies MessageSpec

export const IncrementalAlterConfigsResponse = {
  apiKey: 44,
  name: 'IncrementalAlterConfigsResponse',
  type: 'response',
  validVersions: '0-1',
  flexibleVersions: '1+',
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
