import type { MessageSpec } from '../schema.js'

/**
 * Produce (key 0), versions 0-9.
 * v0-2 carry the old message formats; Kafka 4.0 dropped them and the broker
 * only decodes them to refuse them in their own form. v1 adds throttle time,
 * v2 the log-append time. v3 brings the transactional id and record batch
 * format v2. v4 only widens the error set
 * (KAFKA_STORAGE_ERROR), v5 and v6 change nothing on the request, v7 allows
 * zstd batches (KIP-110), v8 lets the response name the records that sank a
 * batch (KIP-467), and v9 is the first flexible version. Later versions add
 * leader hints (v10) and topic ids (v13) and are outside this range.
 */
export const ProduceRequest = {
  apiKey: 0,
  name: 'ProduceRequest',
  type: 'request',
  validVersions: '0-9',
  flexibleVersions: '9+',
  fields: [
    // Null for plain and idempotent producers; the broker authorizes transactional writes by it.
    { name: 'transactionalId', type: 'string', versions: '3+', nullableVersions: '3+', default: null },
    // 0 = fire and forget, 1 = leader only, -1 = every in-sync replica.
    { name: 'acks', type: 'int16', versions: '0+' },
    // How long the broker may wait for the replication that acks asks for.
    { name: 'timeoutMs', type: 'int32', versions: '0+' },
    {
      name: 'topicData',
      type: '[]TopicProduceData',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        {
          name: 'partitionData',
          type: '[]PartitionProduceData',
          versions: '0+',
          fields: [
            { name: 'index', type: 'int32', versions: '0+' },
            // Record batches exactly as the producer built them; the broker keeps the bytes.
            { name: 'records', type: 'records', versions: '0+', nullableVersions: '0+' },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSpec

export const ProduceResponse = {
  apiKey: 0,
  name: 'ProduceResponse',
  type: 'response',
  validVersions: '0-9',
  flexibleVersions: '9+',
  fields: [
    {
      name: 'responses',
      type: '[]TopicProduceResponse',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        {
          name: 'partitionResponses',
          type: '[]PartitionProduceResponse',
          versions: '0+',
          fields: [
            { name: 'index', type: 'int32', versions: '0+' },
            { name: 'errorCode', type: 'int16', versions: '0+' },
            // Offset given to the first record of the batch.
            { name: 'baseOffset', type: 'int64', versions: '0+' },
            // Broker time of the append when the topic uses LogAppendTime, else -1.
            { name: 'logAppendTimeMs', type: 'int64', versions: '2+', default: -1 },
            // Lets an idempotent producer tell a truncated log from a real sequence gap.
            { name: 'logStartOffset', type: 'int64', versions: '5+', default: -1 },
            // Which records inside the batch made the broker reject all of it.
            {
              name: 'recordErrors',
              type: '[]BatchIndexAndErrorMessage',
              versions: '8+',
              fields: [
                { name: 'batchIndex', type: 'int32', versions: '8+' },
                {
                  name: 'batchIndexErrorMessage',
                  type: 'string',
                  versions: '8+',
                  nullableVersions: '8+',
                  default: null,
                },
              ],
            },
            // One message summing up why the batch was dropped.
            { name: 'errorMessage', type: 'string', versions: '8+', nullableVersions: '8+', default: null },
          ],
        },
      ],
    },
    { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
  ],
} as const satisfies MessageSpec
