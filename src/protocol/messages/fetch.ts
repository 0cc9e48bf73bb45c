import type { MessageSpec } from '../schema.js'

/**
 * Fetch (key 1), versions 0-17.
 * v0-3 (old message formats, removed in Kafka 4.0) are decoded only so the
 * broker can refuse them in their own form; v1 adds throttle time, v3 a total
 * byte limit. v4 brings the isolation level and record
 * batch format v2, with the last stable offset and aborted transactions in
 * the response. v5 adds log start offsets, v6 only the storage error, v7
 * incremental fetch sessions (KIP-227), v8 answers before throttling, v9 the
 * leader epoch for fencing (KIP-320), v10 zstd (KIP-110), v11 the rack id and
 * preferred read replica (KIP-392), and v12 is the first flexible version,
 * with the last fetched epoch and the tagged divergence, leader and snapshot
 * hints used by followers. v13 swaps topic names for ids (KIP-516), v14 only
 * adds a tiered-storage error, v15 moves the follower id into a tagged replica
 * state (KIP-903), v16 adds tagged leader endpoints to the response (KIP-951)
 * and v17 a tagged follower directory id (KIP-853).
 */
export const FetchRequest = {
  apiKey: 1,
  name: 'FetchRequest',
  type: 'request',
  validVersions: '0-17',
  flexibleVersions: '12+',
  fields: [
    // Lets a KRaft controller reject fetches aimed at another cluster.
    {
      name: 'clusterId',
      type: 'string',
      versions: '12+',
      nullableVersions: '12+',
      taggedVersions: '12+',
      tag: 0,
      default: null,
    },
    // Follower broker id; -1 for consumers.
    { name: 'replicaId', type: 'int32', versions: '0-14', default: -1 },
    // v15+ (KIP-903): the follower's id and broker epoch, replacing replicaId.
    {
      name: 'replicaState',
      type: 'ReplicaState',
      versions: '15+',
      taggedVersions: '15+',
      tag: 1,
      fields: [
        { name: 'replicaId', type: 'int32', versions: '15+', default: -1 },
        { name: 'replicaEpoch', type: 'int64', versions: '15+', default: -1 },
      ],
    },
    // Long-poll bound: how long the broker may hold the request waiting for minBytes.
    { name: 'maxWaitMs', type: 'int32', versions: '0+' },
    { name: 'minBytes', type: 'int32', versions: '0+' },
    // Cap on the whole response; the first batch is returned even if larger (KIP-74).
    { name: 'maxBytes', type: 'int32', versions: '3+', default: 2147483647 },
    // 0 = read uncommitted, 1 = read committed (stop at the last stable offset).
    { name: 'isolationLevel', type: 'int8', versions: '4+' },
    // Fetch session id; 0 asks for a full fetch without a session.
    { name: 'sessionId', type: 'int32', versions: '7+' },
    // Position within the session; -1 closes or skips sessions.
    { name: 'sessionEpoch', type: 'int32', versions: '7+', default: -1 },
    {
      name: 'topics',
      type: '[]FetchTopic',
      versions: '0+',
      fields: [
        { name: 'topic', type: 'string', versions: '0-12' },
        // v13+ (KIP-516) names topics by id instead.
        { name: 'topicId', type: 'uuid', versions: '13+' },
        {
          name: 'partitions',
          type: '[]FetchPartition',
          versions: '0+',
          fields: [
            { name: 'partition', type: 'int32', versions: '0+' },
            // Epoch the fetcher believes current, so a stale leader is fenced.
            { name: 'currentLeaderEpoch', type: 'int32', versions: '9+', default: -1 },
            { name: 'fetchOffset', type: 'int64', versions: '0+' },
            // Epoch of the last record the fetcher holds, for divergence checks.
            { name: 'lastFetchedEpoch', type: 'int32', versions: '12+', default: -1 },
            // Only followers send this; consumers leave -1.
            { name: 'logStartOffset', type: 'int64', versions: '5+', default: -1 },
            { name: 'partitionMaxBytes', type: 'int32', versions: '0+' },
            // v17+ (KIP-853): the follower's log directory.
            { name: 'replicaDirectoryId', type: 'uuid', versions: '17+', taggedVersions: '17+', tag: 0 },
          ],
        },
      ],
    },
    // Partitions an incremental fetch drops from its session.
    {
      name: 'forgottenTopicsData',
      type: '[]ForgottenTopic',
      versions: '7+',
      fields: [
        { name: 'topic', type: 'string', versions: '7-12' },
        { name: 'topicId', type: 'uuid', versions: '13+' },
        { name: 'partitions', type: '[]int32', versions: '7+' },
      ],
    },
    // Consumer's rack, so the broker can point it at a nearby replica.
    { name: 'rackId', type: 'string', versions: '11+' },
  ],
} as const satisfies MessageSpec

export const FetchResponse = {
  apiKey: 1,
  name: 'FetchResponse',
  type: 'response',
  validVersions: '0-17',
  flexibleVersions: '12+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
    // Session-level error; per-partition errors live below.
    { name: 'errorCode', type: 'int16', versions: '7+' },
    // Session the broker created or continued; 0 when there is none.
    { name: 'sessionId', type: 'int32', versions: '7+' },
    {
      name: 'responses',
      type: '[]FetchableTopicResponse',
      versions: '0+',
      fields: [
        { name: 'topic', type: 'string', versions: '0-12' },
        { name: 'topicId', type: 'uuid', versions: '13+' },
        {
          name: 'partitions',
          type: '[]PartitionData',
          versions: '0+',
          fields: [
            { name: 'partitionIndex', type: 'int32', versions: '0+' },
            { name: 'errorCode', type: 'int16', versions: '0+' },
            { name: 'highWatermark', type: 'int64', versions: '0+' },
            // End of decided transactions; read-committed consumers stop here.
            { name: 'lastStableOffset', type: 'int64', versions: '4+', default: -1 },
            { name: 'logStartOffset', type: 'int64', versions: '5+', default: -1 },
            // Where the fetcher's log stops agreeing with the leader's, so it can truncate.
            {
              name: 'divergingEpoch',
              type: 'EpochEndOffset',
              versions: '12+',
              taggedVersions: '12+',
              tag: 0,
              fields: [
                { name: 'epoch', type: 'int32', versions: '12+', default: -1 },
                { name: 'endOffset', type: 'int64', versions: '12+', default: -1 },
              ],
            },
            // Leader hint sent with leadership errors, saving a metadata round trip.
            {
              name: 'currentLeader',
              type: 'LeaderIdAndEpoch',
              versions: '12+',
              taggedVersions: '12+',
              tag: 1,
              fields: [
                { name: 'leaderId', type: 'int32', versions: '12+', default: -1 },
                { name: 'leaderEpoch', type: 'int32', versions: '12+', default: -1 },
              ],
            },
            // Snapshot to load when the requested offset is below the log start (KRaft).
            {
              name: 'snapshotId',
              type: 'SnapshotId',
              versions: '12+',
              taggedVersions: '12+',
              tag: 2,
              fields: [
                { name: 'endOffset', type: 'int64', versions: '0+', default: -1 },
                { name: 'epoch', type: 'int32', versions: '0+', default: -1 },
              ],
            },
            // Transactions to skip when reading committed data; null when none apply.
            {
              name: 'abortedTransactions',
              type: '[]AbortedTransaction',
              versions: '4+',
              nullableVersions: '4+',
              fields: [
                { name: 'producerId', type: 'int64', versions: '4+' },
                { name: 'firstOffset', type: 'int64', versions: '4+' },
              ],
            },
            // Replica the consumer should fetch from next; -1 means keep the leader.
            { name: 'preferredReadReplica', type: 'int32', versions: '11+', default: -1 },
            // Raw record batches, passed through untouched.
            { name: 'records', type: 'records', versions: '0+', nullableVersions: '0+' },
          ],
        },
      ],
    },
    // v16+ (KIP-951): where the leaders named in NOT_LEADER_OR_FOLLOWER answers can be reached.
    {
      name: 'nodeEndpoints',
      type: '[]NodeEndpoint',
      versions: '16+',
      taggedVersions: '16+',
      tag: 0,
      fields: [
        { name: 'nodeId', type: 'int32', versions: '16+' },
        { name: 'host', type: 'string', versions: '16+' },
        { name: 'port', type: 'int32', versions: '16+' },
        { name: 'rack', type: 'string', versions: '16+', nullableVersions: '16+', default: null },
      ],
    },
  ],
} as const satisfies MessageSpec
