import type { MessageSpec } from '../schema.js'

/**
 * OffsetForLeaderEpoch (key 23), versions 0-4.
 * Asks where a leader epoch ended, so a follower or consumer can detect and
 * truncate a diverged log (KIP-101, KIP-320). v1 returns the leader epoch of
 * the answer; v2 adds the caller's current leader epoch for fencing and the
 * throttle time; v3 adds the replica ID; v4 is the first flexible version.
 * Kafka 4.0 no longer serves v0-1; they are kept here for older clients.
 */
export const OffsetForLeaderEpochRequest = {
  apiKey: 23,
  name: 'OffsetForLeaderEpochRequest',
  type: 'request',
  validVersions: '0-4',
  flexibleVersions: '4+',
  fields: [
    // Follower broker ID; -1 for a consumer, -2 (the default) for a debug client that may look past the high watermark.
    { name: 'replicaId', type: 'int32', versions: '3+', default: -2 },
    {
      name: 'topics',
      type: '[]OffsetForLeaderTopic',
      versions: '0+',
      fields: [
        { name: 'topic', type: 'string', versions: '0+' },
        {
          name: 'partitions',
          type: '[]OffsetForLeaderPartition',
          versions: '0+',
          fields: [
            { name: 'partition', type: 'int32', versions: '0+' },
            // Caller's view of the leader epoch, used to fence stale metadata; -1 skips the check.
            { name: 'currentLeaderEpoch', type: 'int32', versions: '2+', default: -1 },
            // The epoch whose end offset is wanted.
            { name: 'leaderEpoch', type: 'int32', versions: '0+' },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSpec

export const OffsetForLeaderEpochResponse = {
  apiKey: 23,
  name: 'OffsetForLeaderEpochResponse',
  type: 'response',
  validVersions: '0-4',
  flexibleVersions: '4+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '2+' },
    {
      name: 'topics',
      type: '[]OffsetForLeaderTopicResult',
      versions: '0+',
      fields: [
        { name: 'topic', type: 'string', versions: '0+' },
        {
          name: 'partitions',
          type: '[]EpochEndOffset',
          versions: '0+',
          fields: [
            // Error comes first here, unlike most partition results.
            { name: 'errorCode', type: 'int16', versions: '0+' },
            { name: 'partition', type: 'int32', versions: '0+' },
            // Largest epoch not above the requested one; -1 if unknown.
            { name: 'leaderEpoch', type: 'int32', versions: '1+', default: -1 },
            // First offset after that epoch; -1 if unknown.
            { name: 'endOffset', type: 'int64', versions: '0+', default: -1 },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSpec
