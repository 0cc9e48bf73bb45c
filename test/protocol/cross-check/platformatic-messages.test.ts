/**
 * Sluice's message schemas against @platformatic/kafka 1.x, a second
 * independent implementation, and the only one of the two that speaks the
 * flexible (KIP-482) versions.
 *
 * Requests: platformatic's createRequest builds the body; Sluice must decode
 * it to the values that went in and encode them back to the identical bytes.
 * The request and response header versions platformatic pairs with each API
 * version are compared with Sluice's, and so is the whole request frame.
 * Responses: Sluice encodes a realistic body and platformatic's parser must
 * return the same values. Its parsers never read the message-level tagged
 * field section at the end of a flexible body (their connection bounds the
 * reader, so it does no harm), so exactly that one empty byte is left over.
 *
 * API                  Sluice  platformatic  cross-checked
 * Produce              0-9     7-11          7-9
 * Fetch                0-17    12-17         12-17 (see the forgotten-topics case)
 * ListOffsets          0-7     5-9           5-7
 * Metadata             0-12    9-12          9-12; v11 request is platformatic's bug (see below),
 *                                            and v9-11 responses leave bytes unread (see the case)
 * OffsetCommit         0-8     8-9           8
 * OffsetFetch          0-8     8-9           8
 * FindCoordinator      0-4     4-6           4
 * JoinGroup            0-7     6-9           6-7
 * Heartbeat            0-4     4             4
 * LeaveGroup           0-4     4-5           4
 * SyncGroup            0-5     4-5           4-5
 * DescribeGroups       0-5     5             5
 * ListGroups           0-4     4-5           4
 * SaslHandshake        0-1     1             1
 * ApiVersions          0-3     3-4           3
 * CreateTopics         2-7     7             7
 * DeleteTopics         1-6     6             6
 * DeleteRecords        0-2     2             2
 * InitProducerId       0-4     3-5           3-4
 * OffsetForLeaderEpoch 0-4     4             4 request; response is platformatic's bug (see below)
 * DescribeConfigs      0-4     2-4           3-4; v2 is platformatic's bug (see below)
 * AlterConfigs         0-2     2             2
 * SaslAuthenticate     0-2     2             2
 * CreatePartitions     0-3     1-3           1-3
 * DeleteGroups         0-2     2             2
 * IncrementalAlterConfigs 0-1  1             1
 * OffsetDelete         0       0             0
 * DescribeCluster      0-2     0-1           0-1
 *
 * Where platformatic disagrees with Kafka's own message definitions the case
 * is marked `it.fails`, with the definition that settles it quoted beside it,
 * and a companion check undoes exactly that deviation and must then pass.
 * Tagged fields are sent at their defaults (absent) in the main checks,
 * because platformatic misreads any tagged-field section that is not empty;
 * that, too, is pinned down as an expected failure at the end.
 *
 * Versions in Sluice's ranges that neither library implements, so not
 * cross-checked anywhere: ListOffsets 4, Metadata 7-8, OffsetCommit 6-7,
 * OffsetFetch 0 and 5-7, FindCoordinator 3, DescribeGroups 3-4, ListGroups 3,
 * CreateTopics 4-6, DeleteTopics 2-5, InitProducerId 2, OffsetForLeaderEpoch 0-3,
 * AlterConfigs 0-1 (kafkajs has them), IncrementalAlterConfigs 0, DescribeCluster 2.
 */
import { describe, expect, it } from 'vitest'
import { encodeMessage, messageCodec } from '../../../src/protocol/codec.js'
import { decodeRequest, encodeRequest } from '../../../src/protocol/frames.js'
import { requestHeaderVersion, responseHeaderVersion } from '../../../src/protocol/headers.js'
import { type AnyApi, Apis } from '../../../src/protocol/messages/index.js'
import type { FieldSpec, MessageSpec } from '../../../src/protocol/schema.js'
import {
  checkRequestBytes,
  expectSameBytes,
  type PlatformaticApi,
  platformaticApi,
  platformaticModule,
  platformaticParse,
  prune,
  resolveMatchers,
  sharedVersions,
} from './library-harness.js'

const { Writer } = await platformaticModule('protocol/writer.js')
const { Reader } = await platformaticModule('protocol/reader.js')
const { createRecordsBatch, readRecordsBatch } = await platformaticModule('protocol/records.js')

const on = <T>(present: boolean, value: T): T | undefined => (present ? value : undefined)

const ZERO_UUID = '00000000-0000-0000-0000-000000000000'
const ORDERS_ID = '6f1c3a52-94d4-4b0e-8f5e-2f7d1c9a0b11'
const PAYMENTS_ID = '7e8d9c0b-a1f2-4e3d-8c5b-6a7f8e9d0c1b'
const TS = 1_700_000_000_000n

interface RequestVariant {
  /** Arguments to platformatic's createRequest. */
  args: unknown[]
  /** What Sluice must decode, in Sluice's field names. */
  expected: object
  check?: (decoded: any) => void
}

interface ResponseCase {
  body: object
  /** What platformatic's parser must return, in its own field names. */
  expected: object
  /** Bytes platformatic leaves unread; by default the empty tag section of a flexible body. */
  unread?: Buffer
}

interface Case {
  api: AnyApi
  /** platformatic's module for a version, under dist/apis. */
  module: (v: number) => string
  from: number
  to: number
  request: (v: number) => RequestVariant | RequestVariant[]
  response: (v: number) => ResponseCase
}

interface Message {
  topic: string
  partition: number
  key: Buffer | null
  value: Buffer
  timestamp: bigint
  headers: Map<Buffer, Buffer>
}

const message = (
  topic: string,
  partition: number,
  key: string | null,
  value: string,
  dt: number,
): Message => ({
  topic,
  partition,
  key: key === null ? null : Buffer.from(key),
  value: Buffer.from(value),
  timestamp: TS + BigInt(dt),
  headers: new Map(key === null ? [] : [[Buffer.from('source'), Buffer.from('web')]]),
})

/** Fresh each time: platformatic fills in defaults on the objects it is given. */
const producedMessages = (): Message[] => [
  message('orders', 0, 'user-1', '{"total":12}', 0),
  message('orders', 0, null, '{"total":3}', 7),
  message('orders', 3, 'user-9', 'x'.repeat(300), 20),
  message('payments', 1, 'p-1', 'paid', -5),
]

/** Reads a batch with platformatic and compares it with the messages that went into it. */
function expectBatchHolds(batch: Buffer, messages: Message[]): void {
  const reader = Reader.from(batch)
  const decoded = readRecordsBatch(reader)
  expect(reader.remaining).toBe(0)
  expect(decoded.records).toHaveLength(messages.length)
  messages.forEach((m, i) => {
    const r = decoded.records[i]
    expect(r.offsetDelta).toBe(i)
    expect(decoded.firstTimestamp + r.timestampDelta).toBe(m.timestamp)
    expect(r.key).toEqual(m.key)
    expect(r.value).toEqual(m.value)
    expect(r.headers).toEqual([...m.headers.entries()])
  })
}

const fetchedMessages = [
  message('orders', 0, 'user-1', 'a', 0),
  message('orders', 0, 'user-2', 'bb', 1),
  message('orders', 0, null, 'ccc', 2),
]
const fetchedBatch: Buffer = createRecordsBatch(fetchedMessages).buffer

const int32 = (n: number): Buffer => {
  const b = Buffer.alloc(4)
  b.writeInt32BE(n)
  return b
}

const cases: Case[] = [
  {
    api: Apis.Produce,
    module: (v) => `producer/produce-v${v}`,
    from: 7,
    to: 11,
    request: (v) => {
      const transactionalId = v === 8 ? null : 'tx-orders'
      return {
        args: [-1, 30_000, producedMessages(), { transactionalId, producerId: 4000n, producerEpoch: 2 }],
        expected: {
          transactionalId,
          acks: -1,
          timeoutMs: 30_000,
          topicData: [
            {
              name: 'orders',
              partitionData: [
                { index: 0, records: expect.any(Buffer) },
                { index: 3, records: expect.any(Buffer) },
              ],
            },
            { name: 'payments', partitionData: [{ index: 1, records: expect.any(Buffer) }] },
          ],
        },
        check(decoded) {
          const all = producedMessages()
          const of = (topic: string, partition: number) =>
            all.filter((m) => m.topic === topic && m.partition === partition)
          expectBatchHolds(decoded.topicData[0].partitionData[0].records, of('orders', 0))
          expectBatchHolds(decoded.topicData[0].partitionData[1].records, of('orders', 3))
          expectBatchHolds(decoded.topicData[1].partitionData[0].records, of('payments', 1))
        },
      }
    },
    response: (v) => ({
      body: {
        responses: [
          {
            name: 'orders',
            partitionResponses: [
              {
                index: 0,
                errorCode: 0,
                baseOffset: 1_234_567_890_123n,
                logAppendTimeMs: -1n,
                logStartOffset: 17n,
                recordErrors: [],
                errorMessage: null,
              },
              {
                index: 3,
                errorCode: 87,
                baseOffset: -1n,
                logAppendTimeMs: -1n,
                logStartOffset: -1n,
                recordErrors: [{ batchIndex: 2, batchIndexErrorMessage: 'Record is missing a key' }],
                errorMessage: 'One or more records have been rejected',
              },
            ],
          },
        ],
        throttleTimeMs: 120,
      },
      expected: {
        responses: [
          {
            name: 'orders',
            partitionResponses: [
              {
                index: 0,
                errorCode: 0,
                baseOffset: 1_234_567_890_123n,
                logAppendTimeMs: -1n,
                logStartOffset: 17n,
                recordErrors: [],
                errorMessage: null,
              },
              {
                index: 3,
                errorCode: 87,
                baseOffset: -1n,
                logAppendTimeMs: -1n,
                logStartOffset: -1n,
                // v7 has neither field on the wire; platformatic fills in empty ones
                recordErrors:
                  v >= 8 ? [{ batchIndex: 2, batchIndexErrorMessage: 'Record is missing a key' }] : [],
                errorMessage: v >= 8 ? 'One or more records have been rejected' : null,
              },
            ],
          },
        ],
        throttleTimeMs: 120,
      },
    }),
  },
  {
    api: Apis.Fetch,
    module: (v) => `consumer/fetch-v${v}`,
    from: 12,
    to: 12,
    request: () => ({
      args: [
        500,
        1,
        52_428_800,
        1,
        77,
        3,
        [
          {
            topicId: 'orders',
            partitions: [
              {
                partition: 0,
                currentLeaderEpoch: 9,
                fetchOffset: 1234n,
                lastFetchedEpoch: 8,
                partitionMaxBytes: 1_048_576,
              },
              {
                partition: 2,
                currentLeaderEpoch: -1,
                fetchOffset: 0n,
                lastFetchedEpoch: -1,
                partitionMaxBytes: 65_536,
              },
            ],
          },
          {
            topicId: 'payments',
            partitions: [
              {
                partition: 1,
                currentLeaderEpoch: 4,
                fetchOffset: 2n ** 62n,
                lastFetchedEpoch: 4,
                partitionMaxBytes: 1,
              },
            ],
          },
        ],
        // non-empty forgotten topics are the subject of their own case below
        [],
        'eu-west-1a',
      ],
      expected: {
        clusterId: null,
        replicaId: -1,
        maxWaitMs: 500,
        minBytes: 1,
        maxBytes: 52_428_800,
        isolationLevel: 1,
        sessionId: 77,
        sessionEpoch: 3,
        topics: [
          {
            topic: 'orders',
            partitions: [
              {
                partition: 0,
                currentLeaderEpoch: 9,
                fetchOffset: 1234n,
                lastFetchedEpoch: 8,
                logStartOffset: -1n,
                partitionMaxBytes: 1_048_576,
              },
              {
                partition: 2,
                currentLeaderEpoch: -1,
                fetchOffset: 0n,
                lastFetchedEpoch: -1,
                logStartOffset: -1n,
                partitionMaxBytes: 65_536,
              },
            ],
          },
          {
            topic: 'payments',
            partitions: [
              {
                partition: 1,
                currentLeaderEpoch: 4,
                fetchOffset: 2n ** 62n,
                lastFetchedEpoch: 4,
                logStartOffset: -1n,
                partitionMaxBytes: 1,
              },
            ],
          },
        ],
        forgottenTopicsData: [],
        rackId: 'eu-west-1a',
      },
    }),
    response: () => ({
      body: {
        throttleTimeMs: 25,
        errorCode: 0,
        sessionId: 77,
        responses: [
          {
            topic: 'orders',
            partitions: [
              {
                partitionIndex: 0,
                errorCode: 0,
                highWatermark: 1300n,
                lastStableOffset: 1290n,
                logStartOffset: 12n,
                abortedTransactions: [{ producerId: 9000n, firstOffset: 1250n }],
                preferredReadReplica: 2,
                records: fetchedBatch,
              },
              {
                partitionIndex: 2,
                errorCode: 1,
                highWatermark: -1n,
                lastStableOffset: -1n,
                logStartOffset: -1n,
                abortedTransactions: null,
                preferredReadReplica: -1,
                records: null,
              },
            ],
          },
        ],
      },
      expected: {
        throttleTimeMs: 25,
        errorCode: 0,
        sessionId: 77,
        responses: [
          {
            topicId: 'orders',
            partitions: [
              {
                partitionIndex: 0,
                errorCode: 0,
                highWatermark: 1300n,
                lastStableOffset: 1290n,
                logStartOffset: 12n,
                abortedTransactions: [{ producerId: 9000n, firstOffset: 1250n }],
                preferredReadReplica: 2,
                records: [
                  {
                    firstOffset: 0n,
                    lastOffsetDelta: 2,
                    records: fetchedMessages.map((m, i) => ({ offsetDelta: i, key: m.key, value: m.value })),
                  },
                ],
              },
              {
                partitionIndex: 2,
                errorCode: 1,
                highWatermark: -1n,
                lastStableOffset: -1n,
                logStartOffset: -1n,
                // platformatic reads a null array as empty
                abortedTransactions: [],
                preferredReadReplica: -1,
              },
            ],
          },
        ],
      },
    }),
  },
  {
    api: Apis.Fetch,
    module: (v) => `consumer/fetch-v${v}`,
    // v13+ (KIP-516) name topics by id: platformatic writes the uuid where Kafka expects it
    from: 13,
    to: 17,
    request: () => ({
      args: [
        500,
        1,
        52_428_800,
        1,
        77,
        3,
        [
          {
            topicId: ORDERS_ID,
            partitions: [
              {
                partition: 0,
                currentLeaderEpoch: 9,
                fetchOffset: 1234n,
                lastFetchedEpoch: 8,
                partitionMaxBytes: 1_048_576,
              },
              {
                partition: 2,
                currentLeaderEpoch: -1,
                fetchOffset: 0n,
                lastFetchedEpoch: -1,
                partitionMaxBytes: 65_536,
              },
            ],
          },
          {
            topicId: PAYMENTS_ID,
            partitions: [
              {
                partition: 1,
                currentLeaderEpoch: 4,
                fetchOffset: 2n ** 62n,
                lastFetchedEpoch: 4,
                partitionMaxBytes: 1,
              },
            ],
          },
        ],
        // non-empty forgotten topics are the subject of their own case below
        [],
        'eu-west-1a',
      ],
      expected: {
        clusterId: null,
        replicaId: -1,
        maxWaitMs: 500,
        minBytes: 1,
        maxBytes: 52_428_800,
        isolationLevel: 1,
        sessionId: 77,
        sessionEpoch: 3,
        topics: [
          {
            topic: '',
            topicId: ORDERS_ID,
            partitions: [
              {
                partition: 0,
                currentLeaderEpoch: 9,
                fetchOffset: 1234n,
                lastFetchedEpoch: 8,
                logStartOffset: -1n,
                partitionMaxBytes: 1_048_576,
              },
              {
                partition: 2,
                currentLeaderEpoch: -1,
                fetchOffset: 0n,
                lastFetchedEpoch: -1,
                logStartOffset: -1n,
                partitionMaxBytes: 65_536,
              },
            ],
          },
          {
            topic: '',
            topicId: PAYMENTS_ID,
            partitions: [
              {
                partition: 1,
                currentLeaderEpoch: 4,
                fetchOffset: 2n ** 62n,
                lastFetchedEpoch: 4,
                logStartOffset: -1n,
                partitionMaxBytes: 1,
              },
            ],
          },
        ],
        forgottenTopicsData: [],
        rackId: 'eu-west-1a',
      },
    }),
    response: () => ({
      body: {
        throttleTimeMs: 25,
        errorCode: 0,
        sessionId: 77,
        responses: [
          {
            topic: '',
            topicId: ORDERS_ID,
            partitions: [
              {
                partitionIndex: 0,
                errorCode: 0,
                highWatermark: 1300n,
                lastStableOffset: 1290n,
                logStartOffset: 12n,
                abortedTransactions: [{ producerId: 9000n, firstOffset: 1250n }],
                preferredReadReplica: 2,
                records: fetchedBatch,
              },
              {
                partitionIndex: 2,
                errorCode: 1,
                highWatermark: -1n,
                lastStableOffset: -1n,
                logStartOffset: -1n,
                abortedTransactions: null,
                preferredReadReplica: -1,
                records: null,
              },
            ],
          },
        ],
      },
      expected: {
        throttleTimeMs: 25,
        errorCode: 0,
        sessionId: 77,
        responses: [
          {
            topicId: ORDERS_ID,
            partitions: [
              {
                partitionIndex: 0,
                errorCode: 0,
                highWatermark: 1300n,
                lastStableOffset: 1290n,
                logStartOffset: 12n,
                abortedTransactions: [{ producerId: 9000n, firstOffset: 1250n }],
                preferredReadReplica: 2,
                records: [
                  {
                    firstOffset: 0n,
                    lastOffsetDelta: 2,
                    records: fetchedMessages.map((m, i) => ({ offsetDelta: i, key: m.key, value: m.value })),
                  },
                ],
              },
              {
                partitionIndex: 2,
                errorCode: 1,
                highWatermark: -1n,
                lastStableOffset: -1n,
                logStartOffset: -1n,
                // platformatic reads a null array as empty
                abortedTransactions: [],
                preferredReadReplica: -1,
              },
            ],
          },
        ],
      },
    }),
  },
  {
    api: Apis.ListOffsets,
    module: (v) => `consumer/list-offsets-v${v}`,
    from: 5,
    to: 9,
    request: () => ({
      args: [
        -1,
        1,
        [
          {
            name: 'orders',
            partitions: [
              { partitionIndex: 0, currentLeaderEpoch: 5, timestamp: -1n },
              { partitionIndex: 1, currentLeaderEpoch: -1, timestamp: TS },
            ],
          },
          { name: 'payments', partitions: [{ partitionIndex: 4, currentLeaderEpoch: 2, timestamp: -3n }] },
        ],
      ],
      expected: {
        replicaId: -1,
        isolationLevel: 1,
        topics: [
          {
            name: 'orders',
            partitions: [
              { partitionIndex: 0, currentLeaderEpoch: 5, timestamp: -1n },
              { partitionIndex: 1, currentLeaderEpoch: -1, timestamp: TS },
            ],
          },
          { name: 'payments', partitions: [{ partitionIndex: 4, currentLeaderEpoch: 2, timestamp: -3n }] },
        ],
      },
    }),
    response: () => ({
      body: {
        throttleTimeMs: 15,
        topics: [
          {
            name: 'orders',
            partitions: [
              { partitionIndex: 0, errorCode: 0, timestamp: -1n, offset: 4567n, leaderEpoch: 3 },
              { partitionIndex: 1, errorCode: 0, timestamp: TS, offset: 12n, leaderEpoch: 3 },
            ],
          },
          {
            name: 'payments',
            partitions: [{ partitionIndex: 4, errorCode: 74, timestamp: -1n, offset: -1n, leaderEpoch: -1 }],
          },
        ],
      },
      expected: {
        throttleTimeMs: 15,
        topics: [
          {
            name: 'orders',
            partitions: [
              { partitionIndex: 0, errorCode: 0, timestamp: -1n, offset: 4567n, leaderEpoch: 3 },
              { partitionIndex: 1, errorCode: 0, timestamp: TS, offset: 12n, leaderEpoch: 3 },
            ],
          },
          {
            name: 'payments',
            partitions: [{ partitionIndex: 4, errorCode: 74, timestamp: -1n, offset: -1n, leaderEpoch: -1 }],
          },
        ],
      },
    }),
  },
  {
    api: Apis.Metadata,
    module: (v) => `metadata/metadata-v${v}`,
    from: 9,
    to: 12,
    request: (v) => [
      {
        args: [['orders', 'payments'], true, true],
        expected: {
          topics: [
            { topicId: on(v >= 10, ZERO_UUID), name: 'orders' },
            { topicId: on(v >= 10, ZERO_UUID), name: 'payments' },
          ],
          allowAutoTopicCreation: true,
          includeClusterAuthorizedOperations: on(v <= 10, false),
          includeTopicAuthorizedOperations: true,
        },
      },
      // null asks for every topic
      {
        args: [null, false, false],
        expected: {
          topics: null,
          allowAutoTopicCreation: false,
          includeClusterAuthorizedOperations: on(v <= 10, false),
          includeTopicAuthorizedOperations: false,
        },
      },
    ],
    response: (v) => ({
      body: {
        throttleTimeMs: 7,
        brokers: [
          { nodeId: 1, host: 'kafka-1.internal', port: 9092, rack: 'eu-west-1a' },
          { nodeId: 2, host: 'kafka-2.internal', port: 9093, rack: null },
        ],
        clusterId: 'Qm9yaW5nQ2x1c3Rlcg',
        controllerId: 2,
        topics: [
          {
            errorCode: 0,
            name: 'orders',
            topicId: ORDERS_ID,
            isInternal: false,
            partitions: [
              {
                errorCode: 0,
                partitionIndex: 0,
                leaderId: 1,
                leaderEpoch: 5,
                replicaNodes: [1, 2],
                isrNodes: [1],
                offlineReplicas: [2],
              },
              {
                errorCode: 9,
                partitionIndex: 1,
                leaderId: -1,
                leaderEpoch: -1,
                replicaNodes: [2],
                isrNodes: [],
                offlineReplicas: [],
              },
            ],
            topicAuthorizedOperations: 0x0df8,
          },
        ],
        clusterAuthorizedOperations: 0x0fb8,
      },
      expected: {
        throttleTimeMs: 7,
        brokers: [
          { nodeId: 1, host: 'kafka-1.internal', port: 9092, rack: 'eu-west-1a' },
          { nodeId: 2, host: 'kafka-2.internal', port: 9093, rack: null },
        ],
        clusterId: 'Qm9yaW5nQ2x1c3Rlcg',
        controllerId: 2,
        topics: [
          {
            errorCode: 0,
            name: 'orders',
            // v9 has no topic id on the wire; platformatic puts the name there
            topicId: v >= 10 ? ORDERS_ID : 'orders',
            isInternal: false,
            partitions: [
              {
                errorCode: 0,
                partitionIndex: 0,
                leaderId: 1,
                leaderEpoch: 5,
                replicaNodes: [1, 2],
                isrNodes: [1],
                offlineReplicas: [2],
              },
              {
                errorCode: 9,
                partitionIndex: 1,
                leaderId: -1,
                leaderEpoch: -1,
                replicaNodes: [2],
                isrNodes: [],
                offlineReplicas: [],
              },
            ],
            topicAuthorizedOperations: 0x0df8,
          },
        ],
      },
      // Kafka's MetadataResponse.json has "ClusterAuthorizedOperations", "type": "int32", "versions": "8-10".
      // platformatic's v9-v11 parsers read it as a one-byte boolean: in v9-10 that leaves the other three
      // bytes of the int32 and the tag section unread; in v11, where the field is gone, the "boolean" it
      // reads is the tag section itself. v12's parser reads what Kafka defines.
      unread:
        v <= 10
          ? Buffer.concat([int32(0x0fb8).subarray(1), Buffer.from([0])])
          : v === 11
            ? Buffer.alloc(0)
            : Buffer.from([0]),
    }),
  },
  {
    api: Apis.OffsetCommit,
    module: (v) => `consumer/offset-commit-v${v}`,
    from: 8,
    to: 9,
    request: () =>
      ['instance-7', null].map((groupInstanceId) => ({
        args: [
          'billing',
          12,
          'member-1-3f2a',
          groupInstanceId,
          [
            {
              name: 'orders',
              partitions: [
                {
                  partitionIndex: 0,
                  committedOffset: 1500n,
                  committedLeaderEpoch: 5,
                  committedMetadata: 'by-a',
                },
                { partitionIndex: 2, committedOffset: 0n, committedLeaderEpoch: -1, committedMetadata: null },
              ],
            },
          ],
        ],
        expected: {
          groupId: 'billing',
          generationId: 12,
          memberId: 'member-1-3f2a',
          groupInstanceId,
          topics: [
            {
              name: 'orders',
              partitions: [
                {
                  partitionIndex: 0,
                  committedOffset: 1500n,
                  committedLeaderEpoch: 5,
                  committedMetadata: 'by-a',
                },
                { partitionIndex: 2, committedOffset: 0n, committedLeaderEpoch: -1, committedMetadata: null },
              ],
            },
          ],
        },
      })),
    response: () => {
      const value = {
        throttleTimeMs: 30,
        topics: [
          {
            name: 'orders',
            partitions: [
              { partitionIndex: 0, errorCode: 0 },
              { partitionIndex: 2, errorCode: 22 },
            ],
          },
        ],
      }
      return { body: value, expected: value }
    },
  },
  {
    api: Apis.OffsetFetch,
    module: (v) => `consumer/offset-fetch-v${v}`,
    from: 8,
    to: 9,
    request: () => ({
      args: [
        [
          {
            groupId: 'billing',
            topics: [
              { name: 'orders', partitionIndexes: [0, 2] },
              { name: 'payments', partitionIndexes: [1] },
            ],
          },
          // null topics: every topic the group has committed
          { groupId: 'audit', topics: null },
        ],
        true,
      ],
      expected: {
        groups: [
          {
            groupId: 'billing',
            topics: [
              { name: 'orders', partitionIndexes: [0, 2] },
              { name: 'payments', partitionIndexes: [1] },
            ],
          },
          { groupId: 'audit', topics: null },
        ],
        requireStable: true,
      },
    }),
    response: () => {
      const groups = [
        {
          groupId: 'billing',
          topics: [
            {
              name: 'orders',
              partitions: [
                {
                  partitionIndex: 0,
                  committedOffset: 1500n,
                  committedLeaderEpoch: 4,
                  metadata: 'processed-by-a',
                  errorCode: 0,
                },
                {
                  partitionIndex: 2,
                  committedOffset: -1n,
                  committedLeaderEpoch: -1,
                  metadata: null,
                  errorCode: 0,
                },
              ],
            },
          ],
          errorCode: 0,
        },
        { groupId: 'audit', topics: [], errorCode: 16 },
      ]
      return { body: { throttleTimeMs: 11, groupIds: groups }, expected: { throttleTimeMs: 11, groups } }
    },
  },
  {
    api: Apis.FindCoordinator,
    module: (v) => `metadata/find-coordinator-v${v}`,
    from: 4,
    to: 6,
    request: () => ({
      args: [1, ['tx-orders', 'tx-payments']],
      expected: { keyType: 1, coordinatorKeys: ['tx-orders', 'tx-payments'] },
    }),
    response: () => {
      const value = {
        throttleTimeMs: 3,
        coordinators: [
          {
            key: 'tx-orders',
            nodeId: 2,
            host: 'kafka-2.internal',
            port: 9093,
            errorCode: 0,
            errorMessage: null,
          },
          {
            key: 'tx-payments',
            nodeId: -1,
            host: '',
            port: -1,
            errorCode: 15,
            errorMessage: 'The coordinator is not available.',
          },
        ],
      }
      return { body: value, expected: value }
    },
  },
  {
    api: Apis.JoinGroup,
    module: (v) => `consumer/join-group-v${v}`,
    from: 6,
    to: 9,
    request: () => ({
      args: [
        'billing',
        30_000,
        60_000,
        '',
        'instance-7',
        'consumer',
        [
          { name: 'cooperative-sticky', metadata: Buffer.from([0, 1, 0, 0, 0, 1, 0, 6]) },
          { name: 'range', metadata: Buffer.from('range-metadata') },
        ],
      ],
      expected: {
        groupId: 'billing',
        sessionTimeoutMs: 30_000,
        rebalanceTimeoutMs: 60_000,
        memberId: '',
        groupInstanceId: 'instance-7',
        protocolType: 'consumer',
        protocols: [
          { name: 'cooperative-sticky', metadata: Buffer.from([0, 1, 0, 0, 0, 1, 0, 6]) },
          { name: 'range', metadata: Buffer.from('range-metadata') },
        ],
      },
    }),
    response: (v) => ({
      body: {
        throttleTimeMs: 40,
        errorCode: 0,
        generationId: 8,
        protocolType: 'consumer',
        protocolName: 'range',
        leader: 'member-a',
        memberId: 'member-b',
        members: [
          { memberId: 'member-a', groupInstanceId: 'instance-1', metadata: Buffer.from('md-a') },
          { memberId: 'member-b', groupInstanceId: null, metadata: Buffer.alloc(0) },
        ],
      },
      expected: {
        throttleTimeMs: 40,
        errorCode: 0,
        generationId: 8,
        // v6 has no protocol type on the wire; platformatic reports an empty one
        protocolType: v >= 7 ? 'consumer' : '',
        protocolName: 'range',
        leader: 'member-a',
        memberId: 'member-b',
        members: [
          { memberId: 'member-a', groupInstanceId: 'instance-1', metadata: Buffer.from('md-a') },
          { memberId: 'member-b', groupInstanceId: null, metadata: Buffer.alloc(0) },
        ],
      },
    }),
  },
  {
    api: Apis.Heartbeat,
    module: (v) => `consumer/heartbeat-v${v}`,
    from: 4,
    to: 4,
    request: () =>
      ['instance-7', null].map((groupInstanceId) => ({
        args: ['billing', 8, 'member-b', groupInstanceId],
        expected: { groupId: 'billing', generationId: 8, memberId: 'member-b', groupInstanceId },
      })),
    response: () => ({
      body: { throttleTimeMs: 5, errorCode: 27 },
      expected: { throttleTimeMs: 5, errorCode: 27 },
    }),
  },
  {
    api: Apis.LeaveGroup,
    module: (v) => `consumer/leave-group-v${v}`,
    from: 4,
    to: 5,
    request: () => {
      const members = [
        { memberId: 'member-b', groupInstanceId: 'instance-7' },
        { memberId: '', groupInstanceId: null },
      ]
      return { args: ['billing', members], expected: { groupId: 'billing', members } }
    },
    response: () => {
      const value = {
        throttleTimeMs: 2,
        errorCode: 0,
        members: [
          { memberId: 'member-b', groupInstanceId: 'instance-7', errorCode: 0 },
          { memberId: 'member-c', groupInstanceId: null, errorCode: 25 },
        ],
      }
      return { body: value, expected: value }
    },
  },
  {
    api: Apis.SyncGroup,
    module: (v) => `consumer/sync-group-v${v}`,
    from: 4,
    to: 5,
    request: (v) => {
      const assignments = [
        { memberId: 'member-a', assignment: Buffer.from([0, 1, 0, 0, 0, 1, 0, 6]) },
        { memberId: 'member-b', assignment: Buffer.alloc(0) },
      ]
      return {
        args: ['billing', 8, 'member-a', 'instance-1', 'consumer', 'range', assignments],
        expected: {
          groupId: 'billing',
          generationId: 8,
          memberId: 'member-a',
          groupInstanceId: 'instance-1',
          protocolType: on(v >= 5, 'consumer'),
          protocolName: on(v >= 5, 'range'),
          assignments,
        },
      }
    },
    response: (v) => ({
      body: {
        throttleTimeMs: 9,
        errorCode: 0,
        protocolType: 'consumer',
        protocolName: 'range',
        assignment: Buffer.from([0, 1, 0, 0, 0, 1, 0, 6, 1, 2]),
      },
      expected: {
        throttleTimeMs: 9,
        errorCode: 0,
        protocolType: v >= 5 ? 'consumer' : null,
        protocolName: v >= 5 ? 'range' : null,
        assignment: Buffer.from([0, 1, 0, 0, 0, 1, 0, 6, 1, 2]),
      },
    }),
  },
  {
    api: Apis.DescribeGroups,
    module: (v) => `admin/describe-groups-v${v}`,
    from: 5,
    to: 5,
    request: () => ({
      args: [['billing', 'audit'], true],
      expected: { groups: ['billing', 'audit'], includeAuthorizedOperations: true },
    }),
    response: () => {
      const value = {
        throttleTimeMs: 6,
        groups: [
          {
            errorCode: 0,
            groupId: 'billing',
            groupState: 'Stable',
            protocolType: 'consumer',
            protocolData: 'range',
            members: [
              {
                memberId: 'member-a',
                groupInstanceId: 'instance-1',
                clientId: 'billing-svc',
                clientHost: '/10.0.0.5',
                memberMetadata: Buffer.from('md-a'),
                memberAssignment: Buffer.from('as-a'),
              },
            ],
            authorizedOperations: 0x0fb8,
          },
          {
            errorCode: 16,
            groupId: 'audit',
            groupState: 'Dead',
            protocolType: '',
            protocolData: '',
            members: [],
            authorizedOperations: -2147483648,
          },
        ],
      }
      return { body: value, expected: value }
    },
  },
  {
    api: Apis.ListGroups,
    module: (v) => `admin/list-groups-v${v}`,
    from: 4,
    to: 5,
    request: () => ({
      args: [['Stable', 'PreparingRebalance']],
      expected: { statesFilter: ['Stable', 'PreparingRebalance'] },
    }),
    response: () => {
      const value = {
        throttleTimeMs: 4,
        errorCode: 0,
        groups: [
          { groupId: 'billing', protocolType: 'consumer', groupState: 'Stable' },
          { groupId: 'connect-sink', protocolType: 'connect', groupState: 'PreparingRebalance' },
        ],
      }
      return { body: value, expected: value }
    },
  },
  {
    api: Apis.SaslHandshake,
    module: (v) => `security/sasl-handshake-v${v}`,
    from: 1,
    to: 1,
    request: () => ({ args: ['SCRAM-SHA-256'], expected: { mechanism: 'SCRAM-SHA-256' } }),
    response: () => {
      const value = { errorCode: 33, mechanisms: ['PLAIN', 'SCRAM-SHA-512'] }
      return { body: value, expected: value }
    },
  },
  {
    api: Apis.ApiVersions,
    module: (v) => `metadata/api-versions-v${v}`,
    from: 3,
    to: 4,
    request: () => ({
      args: ['sluice', '0.1.0-cross.check'],
      expected: { clientSoftwareName: 'sluice', clientSoftwareVersion: '0.1.0-cross.check' },
    }),
    response: () => ({
      body: {
        errorCode: 0,
        apiKeys: [
          { apiKey: 0, minVersion: 3, maxVersion: 9 },
          { apiKey: 1, minVersion: 4, maxVersion: 12 },
          { apiKey: 18, minVersion: 0, maxVersion: 3 },
        ],
        throttleTimeMs: 13,
      },
      expected: {
        errorCode: 0,
        apiKeys: [
          { apiKey: 0, name: 'Produce', minVersion: 3, maxVersion: 9 },
          { apiKey: 1, name: 'Fetch', minVersion: 4, maxVersion: 12 },
          { apiKey: 18, name: 'ApiVersions', minVersion: 0, maxVersion: 3 },
        ],
        throttleTimeMs: 13,
      },
    }),
  },
  {
    api: Apis.CreateTopics,
    module: (v) => `admin/create-topics-v${v}`,
    from: 7,
    to: 7,
    request: () => {
      const topics = [
        {
          name: 'orders',
          numPartitions: 6,
          replicationFactor: 3,
          assignments: [],
          configs: [
            { name: 'cleanup.policy', value: 'compact' },
            { name: 'retention.ms', value: null },
          ],
        },
        {
          name: 'manual',
          numPartitions: -1,
          replicationFactor: -1,
          assignments: [
            { partitionIndex: 0, brokerIds: [1, 2] },
            { partitionIndex: 1, brokerIds: [2, 3] },
          ],
          configs: [],
        },
      ]
      return { args: [topics, 15_000, true], expected: { topics, timeoutMs: 15_000, validateOnly: true } }
    },
    response: () => {
      const orders = {
        name: 'orders',
        topicId: ORDERS_ID,
        errorCode: 0,
        errorMessage: null,
        numPartitions: 6,
        replicationFactor: 3,
        configs: [
          { name: 'cleanup.policy', value: 'compact', readOnly: false, configSource: 1, isSensitive: false },
          { name: 'ssl.key.password', value: null, readOnly: true, configSource: 4, isSensitive: true },
        ],
      }
      const manual = {
        name: 'manual',
        topicId: ZERO_UUID,
        errorCode: 36,
        errorMessage: "Topic 'manual' already exists.",
        numPartitions: -1,
        replicationFactor: -1,
      }
      return {
        body: { throttleTimeMs: 20, topics: [orders, { ...manual, configs: null }] },
        // platformatic reads the null config list as empty
        expected: { throttleTimeMs: 20, topics: [orders, { ...manual, configs: [] }] },
      }
    },
  },
  {
    api: Apis.DeleteTopics,
    module: (v) => `admin/delete-topics-v${v}`,
    from: 6,
    to: 6,
    request: () => {
      // by name (zero id) or by id (null name)
      const topics = [
        { name: 'orders', topicId: ZERO_UUID },
        { name: null, topicId: ORDERS_ID },
      ]
      return {
        args: [
          [
            { name: 'orders', topicId: null },
            { name: null, topicId: ORDERS_ID },
          ],
          10_000,
        ],
        expected: { topics, timeoutMs: 10_000 },
      }
    },
    response: () => {
      const value = {
        throttleTimeMs: 3,
        responses: [
          { name: 'orders', topicId: ORDERS_ID, errorCode: 0, errorMessage: null },
          {
            name: null,
            topicId: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
            errorCode: 100,
            errorMessage: 'Unknown id',
          },
        ],
      }
      return { body: value, expected: value }
    },
  },
  {
    api: Apis.DeleteRecords,
    module: (v) => `admin/delete-records-v${v}`,
    from: 2,
    to: 2,
    request: () => {
      const topics = [
        {
          name: 'orders',
          partitions: [
            { partitionIndex: 0, offset: 1000n },
            { partitionIndex: 1, offset: -1n },
          ],
        },
        { name: 'payments', partitions: [{ partitionIndex: 2, offset: 5n }] },
      ]
      return { args: [topics, 7000], expected: { topics, timeoutMs: 7000 } }
    },
    response: () => {
      const value = {
        throttleTimeMs: 8,
        topics: [
          {
            name: 'orders',
            partitions: [
              { partitionIndex: 0, lowWatermark: 1000n, errorCode: 0 },
              { partitionIndex: 1, lowWatermark: -1n, errorCode: 1 },
            ],
          },
        ],
      }
      return { body: value, expected: value }
    },
  },
  {
    api: Apis.InitProducerId,
    module: (v) => `producer/init-producer-id-v${v}`,
    from: 3,
    to: 5,
    request: () =>
      [
        ['tx-orders', 60_000, 4000n, 2],
        [null, 60_000, -1n, -1],
      ].map(([transactionalId, transactionTimeoutMs, producerId, producerEpoch]) => ({
        args: [transactionalId, transactionTimeoutMs, producerId, producerEpoch],
        expected: { transactionalId, transactionTimeoutMs, producerId, producerEpoch },
      })),
    response: () => {
      const value = { throttleTimeMs: 1, errorCode: 0, producerId: 4_242_424_242n, producerEpoch: 3 }
      return { body: value, expected: value }
    },
  },
  {
    api: Apis.OffsetForLeaderEpoch,
    module: (v) => `consumer/offset-for-leader-epoch-v${v}`,
    from: 4,
    to: 4,
    request: () => ({
      args: [
        -1,
        [
          {
            name: 'orders',
            partitions: [
              { partitionIndex: 0, currentLeaderEpoch: 7, leaderEpoch: 5 },
              { partitionIndex: 2, currentLeaderEpoch: -1, leaderEpoch: 3 },
            ],
          },
        ],
      ],
      expected: {
        replicaId: -1,
        topics: [
          {
            topic: 'orders',
            partitions: [
              { partition: 0, currentLeaderEpoch: 7, leaderEpoch: 5 },
              { partition: 2, currentLeaderEpoch: -1, leaderEpoch: 3 },
            ],
          },
        ],
      },
    }),
    response: () => ({
      body: {
        throttleTimeMs: 0,
        topics: [
          {
            topic: 'orders',
            partitions: [
              { errorCode: 0, partition: 0, leaderEpoch: 5, endOffset: 1290n },
              { errorCode: 75, partition: 2, leaderEpoch: -1, endOffset: -1n },
            ],
          },
        ],
      },
      expected: {
        throttleTimeMs: 0,
        topics: [
          {
            topic: 'orders',
            partitions: [
              { partition: 0, errorCode: 0, leaderEpoch: 5, endOffset: 1290n },
              { partition: 2, errorCode: 75, leaderEpoch: -1, endOffset: -1n },
            ],
          },
        ],
      },
    }),
  },
  {
    api: Apis.DescribeConfigs,
    module: (v) => `admin/describe-configs-v${v}`,
    from: 2,
    to: 4,
    request: (v) => ({
      args: [
        [
          { resourceType: 2, resourceName: 'orders', configurationKeys: ['cleanup.policy', 'retention.ms'] },
          // null: every key
          { resourceType: 4, resourceName: '1', configurationKeys: null },
        ],
        true,
        true,
      ],
      expected: {
        resources: [
          { resourceType: 2, resourceName: 'orders', configurationKeys: ['cleanup.policy', 'retention.ms'] },
          { resourceType: 4, resourceName: '1', configurationKeys: null },
        ],
        includeSynonyms: true,
        includeDocumentation: on(v >= 3, true),
      },
    }),
    response: () => {
      const value = {
        throttleTimeMs: 12,
        results: [
          {
            errorCode: 0,
            errorMessage: null,
            resourceType: 2,
            resourceName: 'orders',
            configs: [
              {
                name: 'cleanup.policy',
                value: 'compact',
                readOnly: false,
                configSource: 1,
                isSensitive: false,
                synonyms: [
                  { name: 'cleanup.policy', value: 'compact', source: 1 },
                  { name: 'log.cleanup.policy', value: null, source: 5 },
                ],
                configType: 7,
                documentation: 'Designates the retention policy to use on old log segments.',
              },
              {
                name: 'ssl.key.password',
                value: null,
                readOnly: true,
                configSource: 4,
                isSensitive: true,
                synonyms: [],
                configType: 9,
                documentation: null,
              },
            ],
          },
          { errorCode: 29, errorMessage: 'Not authorized', resourceType: 4, resourceName: '1', configs: [] },
        ],
      }
      return { body: value, expected: value }
    },
  },
  {
    api: Apis.SaslAuthenticate,
    module: (v) => `security/sasl-authenticate-v${v}`,
    from: 2,
    to: 2,
    request: () => ({
      args: [Buffer.from('\0alice\0s3cret')],
      expected: { authBytes: Buffer.from('\0alice\0s3cret') },
    }),
    response: () => {
      const value = {
        errorCode: 58,
        errorMessage: 'Authentication failed: Invalid username or password',
        authBytes: Buffer.from('r=fyko+d2lbbFgONRv9qkxdawL'),
        sessionLifetimeMs: 3_600_000n,
      }
      return { body: value, expected: value }
    },
  },
  {
    api: Apis.CreatePartitions,
    module: (v) => `admin/create-partitions-v${v}`,
    from: 1,
    to: 3,
    request: () => {
      const topics = [
        { name: 'orders', count: 8, assignments: [{ brokerIds: [1, 2] }, { brokerIds: [2, 3] }] },
        // null: the broker places the new replicas
        { name: 'payments', count: 4, assignments: null },
      ]
      return { args: [topics, 5000, true], expected: { topics, timeoutMs: 5000, validateOnly: true } }
    },
    response: () => {
      const value = {
        throttleTimeMs: 14,
        results: [
          { name: 'orders', errorCode: 0, errorMessage: null },
          { name: 'payments', errorCode: 37, errorMessage: 'Topic currently has 6 partitions, more than 4.' },
        ],
      }
      return { body: value, expected: value }
    },
  },
  {
    api: Apis.DeleteGroups,
    module: (v) => `admin/delete-groups-v${v}`,
    from: 2,
    to: 2,
    request: () => ({ args: [['billing', 'audit']], expected: { groupsNames: ['billing', 'audit'] } }),
    response: () => {
      const value = {
        throttleTimeMs: 10,
        results: [
          { groupId: 'billing', errorCode: 0 },
          { groupId: 'audit', errorCode: 68 },
        ],
      }
      return { body: value, expected: value }
    },
  },
  {
    api: Apis.AlterConfigs,
    module: (v) => `admin/alter-configs-v${v}`,
    from: 2,
    to: 2,
    request: () => {
      const resources = [
        {
          resourceType: 2,
          resourceName: 'orders',
          configs: [
            { name: 'retention.ms', value: '86400000' },
            { name: 'cleanup.policy', value: null },
          ],
        },
        { resourceType: 4, resourceName: '1', configs: [] },
      ]
      return { args: [resources, true], expected: { resources, validateOnly: true } }
    },
    response: () => {
      const value = {
        throttleTimeMs: 16,
        responses: [
          { errorCode: 0, errorMessage: null, resourceType: 2, resourceName: 'orders' },
          {
            errorCode: 40,
            errorMessage: 'Unknown topic config name: colour',
            resourceType: 2,
            resourceName: 'x',
          },
        ],
      }
      return { body: value, expected: value }
    },
  },
  {
    api: Apis.IncrementalAlterConfigs,
    module: (v) => `admin/incremental-alter-configs-v${v}`,
    from: 1,
    to: 1,
    request: () => {
      const resources = [
        {
          resourceType: 2,
          resourceName: 'orders',
          configs: [
            { name: 'retention.ms', configOperation: 0, value: '86400000' },
            { name: 'segment.ms', configOperation: 1, value: null },
            { name: 'cleanup.policy', configOperation: 2, value: 'compact' },
          ],
        },
      ]
      return { args: [resources, false], expected: { resources, validateOnly: false } }
    },
    response: () => {
      const value = {
        throttleTimeMs: 3,
        responses: [
          { errorCode: 0, errorMessage: null, resourceType: 2, resourceName: 'orders' },
          { errorCode: 3, errorMessage: 'Topic gone does not exist', resourceType: 2, resourceName: 'gone' },
        ],
      }
      return { body: value, expected: value }
    },
  },
  {
    api: Apis.OffsetDelete,
    module: (v) => `admin/offset-delete-v${v}`,
    from: 0,
    to: 0,
    request: () => {
      const topics = [
        { name: 'orders', partitions: [{ partitionIndex: 0 }, { partitionIndex: 3 }] },
        { name: 'payments', partitions: [{ partitionIndex: 1 }] },
      ]
      return { args: ['billing', topics], expected: { groupId: 'billing', topics } }
    },
    response: () => {
      const value = {
        errorCode: 0,
        throttleTimeMs: 8,
        topics: [
          {
            name: 'orders',
            partitions: [
              { partitionIndex: 0, errorCode: 0 },
              { partitionIndex: 3, errorCode: 86 },
            ],
          },
        ],
      }
      return { body: value, expected: value }
    },
  },
  {
    api: Apis.DescribeCluster,
    module: (v) => `admin/describe-cluster-v${v}`,
    from: 0,
    to: 1,
    request: (v) => ({
      args: [true, 1],
      expected: { includeClusterAuthorizedOperations: true, endpointType: on(v >= 1, 1) },
    }),
    response: (v) => {
      const value = {
        throttleTimeMs: 0,
        errorCode: 0,
        errorMessage: null,
        endpointType: on(v >= 1, 1),
        clusterId: 'Lz6e2n3cQ1yK0v9k8mJd4w',
        controllerId: 2,
        brokers: [
          { brokerId: 1, host: '127.0.0.1', port: 41001, rack: null },
          { brokerId: 2, host: '127.0.0.1', port: 41002, rack: 'eu-1b' },
        ],
        clusterAuthorizedOperations: -2147483648,
      }
      return { body: value, expected: value }
    },
  },
]

/** Swaps two fields of the partition results, to write the layout platformatic expects. */
function withPartitionFieldsSwapped(spec: MessageSpec, first: string, second: string): MessageSpec {
  const swap = (fields: readonly FieldSpec[]): FieldSpec[] => {
    const names = fields.map((f) => f.name)
    if (names.includes(first) && names.includes(second)) {
      const out = [...fields]
      const i = names.indexOf(first)
      const j = names.indexOf(second)
      ;[out[i], out[j]] = [out[j], out[i]]
      return out
    }
    return fields.map((f) => (f.fields ? { ...f, fields: swap(f.fields) } : f))
  }
  return { ...spec, fields: swap(spec.fields) }
}

interface KnownBug {
  api: AnyApi
  version: number
  direction: 'request' | 'response'
  /** The definition in Kafka's message JSON that platformatic departs from. */
  why: string
  /** Requests: turns platformatic's body into what Kafka defines (undoing exactly the deviation). */
  repairRequest?: (body: Buffer) => Buffer
  /** Responses: encodes a body in the layout platformatic's parser expects instead. */
  encodeAsTheyRead?: (body: object) => Buffer
}

/**
 * Where platformatic contradicts Kafka's message definitions. The plain check
 * of each is expected to fail; a companion check then undoes exactly the
 * deviation described and must pass, so nothing else can hide behind it.
 */
const PLATFORMATIC_BUGS: KnownBug[] = [
  {
    api: Apis.Metadata,
    version: 11,
    direction: 'request',
    why:
      'MetadataRequest.json has "IncludeClusterAuthorizedOperations", "versions": "8-10"; platformatic ' +
      'still writes it in v11, so a broker takes the next flag for the tagged-field count',
    // the flag sits just before includeTopicAuthorizedOperations and the empty tag section
    repairRequest: (body) =>
      Buffer.concat([body.subarray(0, body.length - 3), body.subarray(body.length - 2)]),
  },
  {
    api: Apis.OffsetForLeaderEpoch,
    version: 4,
    direction: 'response',
    why:
      'OffsetForLeaderEpochResponse.json lists "ErrorCode" (int16) before "Partition" (int32) in each ' +
      'partition result; platformatic reads the partition first, so it misreads every field after it',
    encodeAsTheyRead: (body) =>
      encodeMessage(
        withPartitionFieldsSwapped(Apis.OffsetForLeaderEpoch.response, 'errorCode', 'partition'),
        4,
        body,
      ),
  },
  {
    api: Apis.DescribeConfigs,
    version: 2,
    direction: 'request',
    why: 'DescribeConfigsRequest.json has "IncludeDocumentation", "versions": "3+"; platformatic writes it in v2 too',
    // it is the last byte of the (classic, untagged) v2 body
    repairRequest: (body) => body.subarray(0, body.length - 1),
  },
  {
    api: Apis.DescribeConfigs,
    version: 2,
    direction: 'response',
    why:
      'DescribeConfigsResponse.json has "ConfigType" and "Documentation" from "versions": "3+"; ' +
      'platformatic reads both in v2 too',
    // v2 and v3 differ in nothing else, so platformatic's v2 parser reads v3 bytes
    encodeAsTheyRead: (body) => encodeMessage(Apis.DescribeConfigs.response, 3, body),
  },
]

const knownBug = (api: AnyApi, version: number, direction: 'request' | 'response') =>
  PLATFORMATIC_BUGS.find((b) => b.api === api && b.version === version && b.direction === direction)

const CLIENT_ID = 'sluice-cross-check'

/** What platformatic's connection puts on the wire: the header it pairs with the API, then the body. */
function platformaticFrame(
  apiKey: number,
  version: number,
  correlationId: number,
  tagged: boolean,
  body: Buffer,
) {
  const w = Writer.create()
  w.appendInt16(apiKey).appendInt16(version).appendInt32(correlationId).appendString(CLIENT_ID, false)
  if (tagged) w.appendTaggedFields()
  return w.append(body).prependLength().buffer as Buffer
}

/** The arguments platformatic's api wrapper hands to connection.send, captured by a stand-in connection. */
function capturedSend(module: any, args: unknown[]) {
  let sent: any[] = []
  module.api({ send: (...a: any[]) => (sent = a) }, ...args)
  const [apiKey, apiVersion, createPayload, , requestTagged, responseTagged] = sent
  return { apiKey, apiVersion, body: createPayload().buffer as Buffer, requestTagged, responseTagged }
}

async function checkRequest(c: Case, v: number, repair?: (body: Buffer) => Buffer): Promise<void> {
  const module: PlatformaticApi & { api: unknown } = (await platformaticApi(c.module(v))) as any
  for (const [i, variant] of [c.request(v)].flat().entries()) {
    const raw: Buffer = module.createRequest(...variant.args).buffer
    const body = repair ? repair(raw) : raw
    const decoded = checkRequestBytes(c.api.request, v, body, variant.expected)
    variant.check?.(decoded)

    const sent = capturedSend(module, variant.args)
    expect([sent.apiKey, sent.apiVersion]).toEqual([c.api.key, v])
    expectSameBytes(sent.body, raw, 'the body platformatic sends')
    const flexible = messageCodec(c.api.request, v).flexible
    expect(sent.requestTagged, 'request header v2 (with tagged fields)').toBe(
      requestHeaderVersion(flexible) === 2,
    )
    expect(sent.responseTagged, 'response header v1 (with tagged fields)').toBe(
      responseHeaderVersion(c.api.key, flexible) === 1,
    )

    const correlationId = 2000 + i
    const theirs = platformaticFrame(c.api.key, v, correlationId, sent.requestTagged, body)
    const value = resolveMatchers(prune(variant.expected), decoded) as any
    expectSameBytes(
      encodeRequest(c.api, v, { correlationId, clientId: CLIENT_ID }, value),
      theirs,
      `${c.api.name} v${v} frame`,
    )
    expect(decodeRequest(c.api, theirs.subarray(4)).header).toMatchObject({
      correlationId,
      clientId: CLIENT_ID,
    })
  }
}

async function checkResponse(c: Case, v: number, encodeAs?: (body: object) => Buffer): Promise<void> {
  const module = await platformaticApi(c.module(v))
  const { body, expected, unread } = c.response(v)
  const bytes = encodeAs ? encodeAs(body) : encodeMessage(c.api.response, v, body)
  const { response, remaining } = await platformaticParse(module, c.api.key, v, bytes)
  expect(response).toMatchObject(prune(expected))
  const flexible = messageCodec(c.api.response, v).flexible
  const tail = unread ?? (flexible ? Buffer.from([0]) : Buffer.alloc(0))
  expectSameBytes(bytes.subarray(bytes.length - remaining), tail, 'bytes platformatic left unread')
}

describe('Sluice against @platformatic/kafka', () => {
  it('covers every API in Sluice', () => {
    const checked = new Set(cases.map((c) => c.api.name))
    expect(Object.values(Apis).filter((api) => !checked.has(api.name))).toEqual([])
  })

  for (const c of cases) {
    const versions = sharedVersions(c.api.request, c.from, c.to)
    describe(`${c.api.name} (platformatic v${c.from}-${c.to}, shared ${versions.join(',')})`, () => {
      it('shares at least one version', () => {
        expect(versions.length).toBeGreaterThan(0)
      })

      for (const v of versions) {
        const requestBug = knownBug(c.api, v, 'request')
        const responseBug = knownBug(c.api, v, 'response')
        const requestTitle = `v${v} request: platformatic's bytes decode to the same values, and Sluice writes the same bytes`
        const responseTitle = `v${v} response: platformatic reads Sluice's bytes back to the same values`
        if (requestBug) {
          it.fails(`${requestTitle} (platformatic bug: ${requestBug.why})`, () => checkRequest(c, v))
          it(`v${v} request matches once platformatic's deviation is undone`, () =>
            checkRequest(c, v, requestBug.repairRequest))
        } else {
          it(requestTitle, () => checkRequest(c, v))
        }
        if (responseBug) {
          it.fails(`${responseTitle} (platformatic bug: ${responseBug.why})`, () => checkResponse(c, v))
          it(`v${v} response matches when written the way platformatic reads it`, () =>
            checkResponse(c, v, responseBug.encodeAsTheyRead))
        } else {
          it(responseTitle, () => checkResponse(c, v))
        }
      }
    })
  }

  // FetchRequest.json: "ForgottenTopicsData" holds "Topic" (string, "versions": "7-12") and only from v13
  // "TopicId" (uuid, "versions": "13+"). platformatic's fetch-v12 writes the forgotten topic as a uuid.
  it.fails('Fetch v12 request with forgotten topics (platformatic bug: writes a uuid where v12 has a topic name)', async () => {
    const module = await platformaticApi('consumer/fetch-v12')
    const forgotten = [{ topic: ORDERS_ID, partitions: [4, 5] }]
    const body: Buffer = module.createRequest(500, 1, 1024, 0, 77, 3, [], forgotten, '').buffer
    checkRequestBytes(Apis.Fetch.request, 12, body, {
      forgottenTopicsData: [{ topic: ORDERS_ID, partitions: [4, 5] }],
    })
  })

  // KIP-482: a tagged-field section is an unsigned varint count, then per field an unsigned varint tag,
  // an unsigned varint size and the data. platformatic's Reader.readTaggedFields reads the count as a
  // zigzag varint and skips that many bytes, so any tagged field that is present (here the leader hint
  // a broker adds to NOT_LEADER_OR_FOLLOWER, FetchResponse.json "CurrentLeader", "taggedVersions": "12+")
  // derails everything after it. The checks above only send tagged fields at their defaults (absent).
  it.fails('Fetch v12 response with a tagged leader hint (platformatic bug: misreads tagged-field sections)', async () => {
    const partition = (partitionIndex: number, errorCode: number) => ({
      partitionIndex,
      errorCode,
      highWatermark: 10n,
      lastStableOffset: 10n,
      logStartOffset: 0n,
      abortedTransactions: [],
      preferredReadReplica: -1,
      records: null,
    })
    const body = encodeMessage(Apis.Fetch.response, 12, {
      responses: [
        {
          topic: 'orders',
          partitions: [
            { ...partition(0, 6), currentLeader: { leaderId: 3, leaderEpoch: 9 } },
            partition(1, 0),
          ],
        },
      ],
    })
    const { response, remaining } = await platformaticParse(
      await platformaticApi('consumer/fetch-v12'),
      1,
      12,
      body,
    )
    expect(response.responses[0].partitions.map((p: any) => [p.partitionIndex, p.errorCode])).toEqual([
      [0, 6],
      [1, 0],
    ])
    expect(remaining).toBe(1)
  })

  it('Fetch v12 forgotten topics as Kafka defines them: a compact topic name, then the partitions', () => {
    const bytes = encodeMessage(Apis.Fetch.request, 12, {
      maxWaitMs: 500,
      minBytes: 1,
      topics: [],
      forgottenTopicsData: [{ topic: 'retired', partitions: [4, 5] }],
    })
    // ... sessionEpoch | topics: compact length 0+1 | forgotten: 1+1 entries, "retired" (7+1), 2+1 ints ...
    const forgotten = Buffer.concat([
      Buffer.from([1, 2, 8]),
      Buffer.from('retired'),
      Buffer.from([3]),
      int32(4),
      int32(5),
      Buffer.from([0]),
    ])
    expect(bytes.includes(forgotten)).toBe(true)
  })
})
