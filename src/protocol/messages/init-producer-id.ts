import type { MessageSpec } from '../schema.js'

/**
 * InitProducerId (key 22), versions 0-4.
 * Hands an idempotent or transactional producer its producer ID and epoch.
 * v1 only changes throttling; v2 is the first flexible version; v3 lets a
 * producer send its current ID and epoch to recover after
 * INVALID_PRODUCER_EPOCH (KIP-360); v4 may answer PRODUCER_FENCED.
 */
export const InitProducerIdRequest = {
  apiKey: 22,
  name: 'InitProducerIdRequest',
  type: 'request',
  validVersions: '0-4',
  flexibleVersions: '2+',
  fields: [
    // Null for a producer that is idempotent but not transactional.
    { name: 'transactionalId', type: 'string', versions: '0+', nullableVersions: '0+' },
    // Idle time after which the coordinator aborts an open transaction.
    { name: 'transactionTimeoutMs', type: 'int32', versions: '0+' },
    // The ID the producer already holds, so a reused transactional ID can be told apart; -1 if none.
    { name: 'producerId', type: 'int64', versions: '3+', default: -1 },
    // The epoch the producer already holds; the broker rejects a mismatch.
    { name: 'producerEpoch', type: 'int16', versions: '3+', default: -1 },
  ],
} as const satisfies MessageSpec

export const InitProducerIdResponse = {
  apiKey: 22,
  name: 'InitProducerIdResponse',
  type: 'response',
  validVersions: '0-4',
  flexibleVersions: '2+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'producerId', type: 'int64', versions: '0+', default: -1 },
    { name: 'producerEpoch', type: 'int16', versions: '0+' },
  ],
} as const satisfies MessageSpec
