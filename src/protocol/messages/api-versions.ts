import type { MessageSpec } from '../schema.js'

/**
 * ApiVersions (key 18), versions 0-3.
 * v1 adds throttle time; v3 is the first flexible version and carries the
 * client's software name and version (KIP-511). The response header is always
 * v0, even in flexible versions, so an old broker can still parse the error.
 */
export const ApiVersionsRequest = {
  apiKey: 18,
  name: 'ApiVersionsRequest',
  type: 'request',
  validVersions: '0-3',
  flexibleVersions: '3+',
  fields: [
    // Name of the client library, for broker-side diagnostics.
    { name: 'clientSoftwareName', type: 'string', versions: '3+' },
    // Version of the client library.
    { name: 'clientSoftwareVersion', type: 'string', versions: '3+' },
  ],
} as const satisfies MessageSpec

export const ApiVersionsResponse = {
  apiKey: 18,
  name: 'ApiVersionsResponse',
  type: 'response',
  validVersions: '0-3',
  flexibleVersions: '3+',
  fields: [
    { name: 'errorCode', type: 'int16', versions: '0+' },
    // One entry per API the broker serves, with its inclusive version range.
    {
      name: 'apiKeys',
      type: '[]ApiVersion',
      versions: '0+',
      fields: [
        { name: 'apiKey', type: 'int16', versions: '0+' },
        { name: 'minVersion', type: 'int16', versions: '0+' },
        { name: 'maxVersion', type: 'int16', versions: '0+' },
      ],
    },
    { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
    // Feature flags the broker supports (KIP-584).
    {
      name: 'supportedFeatures',
      type: '[]SupportedFeatureKey',
      versions: '3+',
      taggedVersions: '3+',
      tag: 0,
      fields: [
        { name: 'name', type: 'string', versions: '3+' },
        { name: 'minVersion', type: 'int16', versions: '3+' },
        { name: 'maxVersion', type: 'int16', versions: '3+' },
      ],
    },
    // Epoch of the finalized feature set; -1 when unknown.
    {
      name: 'finalizedFeaturesEpoch',
      type: 'int64',
      versions: '3+',
      taggedVersions: '3+',
      tag: 1,
      default: -1,
    },
    {
      name: 'finalizedFeatures',
      type: '[]FinalizedFeatureKey',
      versions: '3+',
      taggedVersions: '3+',
      tag: 2,
      fields: [
        { name: 'name', type: 'string', versions: '3+' },
        { name: 'maxVersionLevel', type: 'int16', versions: '3+' },
        { name: 'minVersionLevel', type: 'int16', versions: '3+' },
      ],
    },
    // Set by KRaft controllers ready for ZooKeeper migration; always false here.
    { name: 'zkMigrationReady', type: 'bool', versions: '3+', taggedVersions: '3+', tag: 3, default: false },
  ],
} as const satisfies MessageSpec
