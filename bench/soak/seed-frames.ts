import type { ApiDefinition } from '../../src/protocol/api.js'
import { Apis } from '../../src/protocol/messages/index.js'
import { type CompressionType, encodeRecordBatch } from '../../src/protocol/records/index.js'
import { type BaseFrame, encodeBaseFrame } from '../../test/support/frame-fuzz.js'

/**
 * Requests that name things which exist: a topic the soak creates for the
 * attackers (`target`) and a consumer group. Requests with random field
 * values almost never name an existing topic, so on their own they stop at
 * "unknown topic"; these reach the log append, fetch, offsets and
 * configuration paths, and their mutated copies reach them with damage
 * (a record batch with a hostile length, a fetch for a wild offset).
 * The well-behaved client's topic is never named here.
 */

export interface SeedTarget {
  topic: string
  topicId: string
  partitions: number
  group: string
}

type Body = Record<string, unknown>

function seedBodies(api: ApiDefinition, version: number, target: SeedTarget): Body[] {
  const { topic, topicId, group } = target
  const partitionIndexes = Array.from({ length: target.partitions }, (_, i) => i)
  switch (api.key) {
    case Apis.Produce.key: {
      const records = [
        { value: Buffer.from('seed-0') },
        { key: Buffer.from('k'), value: Buffer.from('seed-1') },
      ]
      const compression = (version % 5) as CompressionType
      return [
        {
          acks: 1,
          timeoutMs: 5000,
          topicData: [
            {
              name: topic,
              partitionData: [
                { index: version % target.partitions, records: encodeRecordBatch(records, { compression }) },
              ],
            },
          ],
        },
      ]
    }
    case Apis.Fetch.key:
      return [
        {
          maxWaitMs: 0,
          minBytes: 1,
          maxBytes: 1 << 20,
          topics: [
            {
              topic,
              topicId,
              partitions: partitionIndexes.map((partition) => ({
                partition,
                fetchOffset: 0n,
                partitionMaxBytes: 64 * 1024,
              })),
            },
          ],
        },
      ]
    case Apis.ListOffsets.key:
      return [-1n, -2n, 0n].map((timestamp) => ({
        replicaId: -1,
        topics: [
          {
            name: topic,
            partitions: partitionIndexes.map((partitionIndex) => ({ partitionIndex, timestamp })),
          },
        ],
      }))
    case Apis.Metadata.key:
      return [{ topics: [{ name: topic, topicId }], allowAutoTopicCreation: false }]
    case Apis.OffsetCommit.key:
      return [
        {
          groupId: group,
          generationId: -1,
          memberId: '',
          topics: [
            {
              name: topic,
              partitions: [{ partitionIndex: 0, committedOffset: 1n, committedMetadata: 'seed' }],
            },
          ],
        },
      ]
    case Apis.OffsetFetch.key:
      return [
        {
          groupId: group,
          topics: [{ name: topic, partitionIndexes }],
          groups: [{ groupId: group, topics: [{ name: topic, partitionIndexes }] }],
        },
      ]
    case Apis.DescribeConfigs.key:
      return [{ resources: [{ resourceType: 2, resourceName: topic, configurationKeys: null }] }]
    case Apis.OffsetForLeaderEpoch.key:
      return [{ topics: [{ topic, partitions: [{ partition: 0, leaderEpoch: 0, currentLeaderEpoch: -1 }] }] }]
    case Apis.FindCoordinator.key:
      return [{ key: group, keyType: 0, coordinatorKeys: [group] }]
    case Apis.DescribeGroups.key:
      return [{ groups: [group] }]
    default:
      return []
  }
}

/** Seed requests for every version in `versions` of every API that has seeds. */
export function seedFrames(
  versions: ReadonlyMap<ApiDefinition, readonly number[]>,
  target: SeedTarget,
): BaseFrame[] {
  const frames: BaseFrame[] = []
  for (const [api, list] of versions) {
    for (const version of list) {
      for (const body of seedBodies(api, version, target)) frames.push(encodeBaseFrame(api, version, body))
    }
  }
  return frames
}
