import type { MessageSpec } from '../schema.js'

/**
 * DescribeConfigs (key 32), versions 0-4.
 * v1 asks for synonyms and returns each config's source and synonyms in
 * place of v0's isDefault flag; v2 only changes throttling; v3 asks for and
 * returns documentation and the config's data type; v4 is the first flexible
 * version. Kafka 4.0 no longer serves v0; it is kept here for older clients.
 */
export const DescribeConfigsRequest = {
  apiKey: 32,
  name: 'DescribeConfigsRequest',
  type: 'request',
  validVersions: '0-4',
  flexibleVersions: '4+',
  fields: [
    {
      name: 'resources',
      type: '[]DescribeConfigsResource',
      versions: '0+',
      fields: [
        // 2 topic, 4 broker, 8 broker logger (Kafka's ConfigResource.Type codes).
        { name: 'resourceType', type: 'int8', versions: '0+' },
        { name: 'resourceName', type: 'string', versions: '0+' },
        // Null asks for every key.
        { name: 'configurationKeys', type: '[]string', versions: '0+', nullableVersions: '0+' },
      ],
    },
    // Also list the other places (broker default, static file, ...) each value is defined.
    { name: 'includeSynonyms', type: 'bool', versions: '1+' },
    { name: 'includeDocumentation', type: 'bool', versions: '3+' },
  ],
} as const satisfies MessageSpec

export const DescribeConfigsResponse = {
  apiKey: 32,
  name: 'DescribeConfigsResponse',
  type: 'response',
  validVersions: '0-4',
  flexibleVersions: '4+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'results',
      type: '[]DescribeConfigsResult',
      versions: '0+',
      fields: [
        { name: 'errorCode', type: 'int16', versions: '0+' },
        { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
        { name: 'resourceType', type: 'int8', versions: '0+' },
        { name: 'resourceName', type: 'string', versions: '0+' },
        {
          name: 'configs',
          type: '[]DescribeConfigsResourceResult',
          versions: '0+',
          fields: [
            { name: 'name', type: 'string', versions: '0+' },
            // Null for sensitive values and for keys with no value.
            { name: 'value', type: 'string', versions: '0+', nullableVersions: '0+' },
            { name: 'readOnly', type: 'bool', versions: '0+' },
            // v0 only; later versions say this through configSource.
            { name: 'isDefault', type: 'bool', versions: '0' },
            // Where the value comes from; -1 is a placeholder when a v0 reply has no source.
            { name: 'configSource', type: 'int8', versions: '1+', default: -1 },
            { name: 'isSensitive', type: 'bool', versions: '0+' },
            // Every definition of this key, highest precedence first.
            {
              name: 'synonyms',
              type: '[]DescribeConfigsSynonym',
              versions: '1+',
              fields: [
                { name: 'name', type: 'string', versions: '1+' },
                { name: 'value', type: 'string', versions: '1+', nullableVersions: '0+' },
                { name: 'source', type: 'int8', versions: '1+' },
              ],
            },
            // Data type code (boolean, string, int, ...); 0 means unknown.
            { name: 'configType', type: 'int8', versions: '3+' },
            { name: 'documentation', type: 'string', versions: '3+', nullableVersions: '0+' },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSpec
