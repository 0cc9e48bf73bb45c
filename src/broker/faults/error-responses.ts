/**
 * One error response per API, in one table: what the broker answers when a
 * whole request is failed by an injected fault. Each builder follows Kafka's
 * `AbstractRequest.getErrorResponse` for that API, so the error code sits
 * where Kafka would put it: on every partition for partition-scoped APIs, at
 * the top level for single-subject APIs (a group, a producer id, a
 * handshake), and on every topic, group or resource the request names for
 * the others. Fields that would carry data hold Kafka's "invalid" values
 * (offsets -1, empty lists). The request is the decoded body, so the
 * builders echo what the client asked for, at the version it asked in.
 *
 * Two cases have nowhere to put the code, as in Kafka: an all-topics
 * Metadata request below v13 (the answer lists no topics and no brokers),
 * and a Produce with acks=0, which owes no response: the builder returns
 * null and the caller closes the connection, as Kafka does when an acks=0
 * produce fails.
 */
import type { AnyApi, ApiName, Apis } from '../../protocol/messages/index.js'
import type { MessageInput, MessageOf } from '../../protocol/schema.js'
import { OPERATIONS_NOT_REQUESTED } from '../handlers/authorized-operations.js'

export interface InjectedFailure {
  readonly errorCode: number
  /** Goes wherever the response has an error message field. */
  readonly message: string
  /** The request's version: a few answers change shape with it. */
  readonly version: number
}

type RequestOf<N extends ApiName> = MessageOf<(typeof Apis)[N]['request']>
type ResponseOf<N extends ApiName> = MessageInput<(typeof Apis)[N]['response']>

export type ErrorResponseBuilder<N extends ApiName> = (
  request: RequestOf<N>,
  failure: InjectedFailure,
) => ResponseOf<N> | null

const NO_BYTES = Buffer.alloc(0)

/** AlterConfigs and IncrementalAlterConfigs answer alike: the code on every resource named. */
function alterConfigsFailure(
  r: { resources: { resourceType: number; resourceName: string }[] },
  f: InjectedFailure,
) {
  return {
    throttleTimeMs: 0,
    responses: r.resources.map((res) => ({
      errorCode: f.errorCode,
      errorMessage: f.message,
      resourceType: res.resourceType,
      resourceName: res.resourceName,
    })),
  }
}

export const errorResponses: { readonly [N in ApiName]: ErrorResponseBuilder<N> } = {
  Produce: (r, f) =>
    r.acks === 0
      ? null
      : {
          throttleTimeMs: 0,
          responses: r.topicData.map((t) => ({
            name: t.name,
            partitionResponses: t.partitionData.map((p) => ({
              index: p.index,
              errorCode: f.errorCode,
              baseOffset: -1n,
              logAppendTimeMs: -1n,
              logStartOffset: -1n,
              recordErrors: [],
              errorMessage: f.message,
            })),
          })),
        },

  // From v13 Kafka answers with the top-level code alone; before, on every partition too.
  Fetch: (r, f) => ({
    throttleTimeMs: 0,
    errorCode: f.errorCode,
    sessionId: r.sessionId,
    responses:
      f.version >= 13
        ? []
        : r.topics.map((t) => ({
            topic: t.topic,
            topicId: t.topicId,
            partitions: t.partitions.map((p) => ({
              partitionIndex: p.partition,
              errorCode: f.errorCode,
              highWatermark: -1n,
              lastStableOffset: -1n,
              logStartOffset: -1n,
              abortedTransactions: null,
              preferredReadReplica: -1,
              records: [],
            })),
          })),
  }),

  ListOffsets: (r, f) => ({
    throttleTimeMs: 0,
    topics: r.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({
        partitionIndex: p.partitionIndex,
        errorCode: f.errorCode,
        oldStyleOffsets: [],
        timestamp: -1n,
        offset: -1n,
        leaderEpoch: -1,
      })),
    })),
  }),

  Metadata: (r, f) => ({
    throttleTimeMs: 0,
    brokers: [],
    clusterId: null,
    controllerId: -1,
    topics: (r.topics ?? []).map((t) => ({
      errorCode: f.errorCode,
      // a topic asked for by id has no name; responses before v12 cannot hold a null one
      name: t.name ?? '',
      topicId: t.topicId,
      isInternal: false,
      partitions: [],
    })),
  }),

  OffsetCommit: (r, f) => ({
    throttleTimeMs: 0,
    topics: r.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: f.errorCode })),
    })),
  }),

  // v0-1 have no top-level code: the error goes on each partition asked for.
  // v2-7 carry it at the top level, v8 on each group.
  OffsetFetch: (r, f) => ({
    throttleTimeMs: 0,
    errorCode: f.errorCode,
    topics:
      f.version < 2
        ? (r.topics ?? []).map((t) => ({
            name: t.name,
            partitions: t.partitionIndexes.map((partitionIndex) => ({
              partitionIndex,
              committedOffset: -1n,
              committedLeaderEpoch: -1,
              metadata: '',
              errorCode: f.errorCode,
            })),
          }))
        : [],
    groupIds: r.groups.map((g) => ({ groupId: g.groupId, topics: [], errorCode: f.errorCode })),
  }),

  FindCoordinator: (r, f) => ({
    throttleTimeMs: 0,
    errorCode: f.errorCode,
    errorMessage: f.message,
    nodeId: -1,
    host: '',
    port: -1,
    coordinators: r.coordinatorKeys.map((key) => ({
      key,
      nodeId: -1,
      host: '',
      port: -1,
      errorCode: f.errorCode,
      errorMessage: f.message,
    })),
  }),

  JoinGroup: (_r, f) => ({
    throttleTimeMs: 0,
    errorCode: f.errorCode,
    generationId: -1,
    protocolType: null,
    // v7 made the protocol name nullable; before it Kafka sends ""
    protocolName: f.version >= 7 ? null : '',
    leader: '',
    memberId: '',
    members: [],
  }),

  Heartbeat: (_r, f) => ({ throttleTimeMs: 0, errorCode: f.errorCode }),

  LeaveGroup: (_r, f) => ({ throttleTimeMs: 0, errorCode: f.errorCode, members: [] }),

  SyncGroup: (_r, f) => ({
    throttleTimeMs: 0,
    errorCode: f.errorCode,
    protocolType: null,
    protocolName: null,
    assignment: NO_BYTES,
  }),

  DescribeGroups: (r, f) => ({
    throttleTimeMs: 0,
    groups: r.groups.map((groupId) => ({
      errorCode: f.errorCode,
      groupId,
      groupState: '',
      protocolType: '',
      protocolData: '',
      members: [],
      authorizedOperations: OPERATIONS_NOT_REQUESTED,
    })),
  }),

  ListGroups: (_r, f) => ({ throttleTimeMs: 0, errorCode: f.errorCode, groups: [] }),

  SaslHandshake: (_r, f) => ({ errorCode: f.errorCode, mechanisms: [] }),

  ApiVersions: (_r, f) => ({ errorCode: f.errorCode, apiKeys: [], throttleTimeMs: 0 }),

  CreateTopics: (r, f) => ({
    throttleTimeMs: 0,
    topics: r.topics.map((t) => ({
      name: t.name,
      errorCode: f.errorCode,
      errorMessage: f.message,
      numPartitions: -1,
      replicationFactor: -1,
      configs: [],
    })),
  }),

  // v6 names topics by name or id; earlier versions by name only
  DeleteTopics: (r, f) => ({
    throttleTimeMs: 0,
    responses:
      f.version >= 6
        ? r.topics.map((t) => ({
            name: t.name,
            topicId: t.topicId,
            errorCode: f.errorCode,
            errorMessage: f.message,
          }))
        : r.topicNames.map((name) => ({ name, errorCode: f.errorCode, errorMessage: f.message })),
  }),

  DeleteRecords: (r, f) => ({
    throttleTimeMs: 0,
    topics: r.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({
        partitionIndex: p.partitionIndex,
        lowWatermark: -1n,
        errorCode: f.errorCode,
      })),
    })),
  }),

  InitProducerId: (_r, f) => ({
    throttleTimeMs: 0,
    errorCode: f.errorCode,
    producerId: -1n,
    producerEpoch: -1,
  }),

  OffsetForLeaderEpoch: (r, f) => ({
    throttleTimeMs: 0,
    topics: r.topics.map((t) => ({
      topic: t.topic,
      partitions: t.partitions.map((p) => ({
        errorCode: f.errorCode,
        partition: p.partition,
        leaderEpoch: -1,
        endOffset: -1n,
      })),
    })),
  }),

  DescribeConfigs: (r, f) => ({
    throttleTimeMs: 0,
    results: r.resources.map((res) => ({
      errorCode: f.errorCode,
      errorMessage: f.message,
      resourceType: res.resourceType,
      resourceName: res.resourceName,
      configs: [],
    })),
  }),

  AlterConfigs: alterConfigsFailure,

  SaslAuthenticate: (_r, f) => ({
    errorCode: f.errorCode,
    errorMessage: f.message,
    authBytes: NO_BYTES,
    sessionLifetimeMs: 0n,
  }),

  CreatePartitions: (r, f) => ({
    throttleTimeMs: 0,
    results: r.topics.map((t) => ({ name: t.name, errorCode: f.errorCode, errorMessage: f.message })),
  }),

  DeleteGroups: (r, f) => ({
    throttleTimeMs: 0,
    results: r.groupsNames.map((groupId) => ({ groupId, errorCode: f.errorCode })),
  }),

  IncrementalAlterConfigs: alterConfigsFailure,

  // a group-level failure: Kafka puts it at the top and lists no partitions
  OffsetDelete: (_r, f) => ({ errorCode: f.errorCode, throttleTimeMs: 0, topics: [] }),

  DescribeCluster: (r, f) => ({
    throttleTimeMs: 0,
    errorCode: f.errorCode,
    errorMessage: f.message,
    endpointType: r.endpointType,
    clusterId: '',
    controllerId: -1,
    brokers: [],
    clusterAuthorizedOperations: OPERATIONS_NOT_REQUESTED,
  }),
}

/** The error response for a decoded request of `api`; null when none is owed (Produce with acks=0). */
export function errorResponseFor(
  api: AnyApi,
  request: MessageOf<AnyApi['request']>,
  failure: InjectedFailure,
): MessageInput<AnyApi['response']> | null {
  const build = errorResponses[api.name as ApiName] as unknown as (
    request: MessageOf<AnyApi['request']>,
    failure: InjectedFailure,
  ) => MessageInput<AnyApi['response']> | null
  return build(request, failure)
}
