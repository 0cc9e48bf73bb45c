import { defineApi } from '../api.js'
import { AlterConfigsRequest, AlterConfigsResponse } from './alter-configs.js'
import { ApiVersionsRequest, ApiVersionsResponse } from './api-versions.js'
import { CreatePartitionsRequest, CreatePartitionsResponse } from './create-partitions.js'
import { CreateTopicsRequest, CreateTopicsResponse } from './create-topics.js'
import { DeleteGroupsRequest, DeleteGroupsResponse } from './delete-groups.js'
import { DeleteRecordsRequest, DeleteRecordsResponse } from './delete-records.js'
import { DeleteTopicsRequest, DeleteTopicsResponse } from './delete-topics.js'
import { DescribeClusterRequest, DescribeClusterResponse } from './describe-cluster.js'
import { DescribeConfigsRequest, DescribeConfigsResponse } from './describe-configs.js'
import { DescribeGroupsRequest, DescribeGroupsResponse } from './describe-groups.js'
import { FetchRequest, FetchResponse } from './fetch.js'
import { FindCoordinatorRequest, FindCoordinatorResponse } from './find-coordinator.js'
import { HeartbeatRequest, HeartbeatResponse } from './heartbeat.js'
import {
  IncrementalAlterConfigsRequest,
  IncrementalAlterConfigsResponse,
} from './incremental-alter-configs.js'
import { InitProducerIdRequest, InitProducerIdResponse } from './init-producer-id.js'
import { JoinGroupRequest, JoinGroupResponse } from './join-group.js'
import { LeaveGroupRequest, LeaveGroupResponse } from './leave-group.js'
import { ListGroupsRequest, ListGroupsResponse } from './list-groups.js'
import { ListOffsetsRequest, ListOffsetsResponse } from './list-offsets.js'
import { MetadataRequest, MetadataResponse } from './metadata.js'
import { OffsetCommitRequest, OffsetCommitResponse } from './offset-commit.js'
import { OffsetDeleteRequest, OffsetDeleteResponse } from './offset-delete.js'
import { OffsetFetchRequest, OffsetFetchResponse } from './offset-fetch.js'
import { OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse } from './offset-for-leader-epoch.js'
import { ProduceRequest, ProduceResponse } from './produce.js'
import { SaslAuthenticateRequest, SaslAuthenticateResponse } from './sasl-authenticate.js'
import { SaslHandshakeRequest, SaslHandshakeResponse } from './sasl-handshake.js'
import { SyncGroupRequest, SyncGroupResponse } from './sync-group.js'

/**
 * Every Kafka API Sluice speaks, by name. `Apis.Produce.request` is the
 * request schema; `apiByKey(0)` finds the same entry from a frame's key.
 */
export const Apis = {
  Produce: defineApi('Produce', ProduceRequest, ProduceResponse),
  Fetch: defineApi('Fetch', FetchRequest, FetchResponse),
  ListOffsets: defineApi('ListOffsets', ListOffsetsRequest, ListOffsetsResponse),
  Metadata: defineApi('Metadata', MetadataRequest, MetadataResponse),
  OffsetCommit: defineApi('OffsetCommit', OffsetCommitRequest, OffsetCommitResponse),
  OffsetFetch: defineApi('OffsetFetch', OffsetFetchRequest, OffsetFetchResponse),
  FindCoordinator: defineApi('FindCoordinator', FindCoordinatorRequest, FindCoordinatorResponse),
  JoinGroup: defineApi('JoinGroup', JoinGroupRequest, JoinGroupResponse),
  Heartbeat: defineApi('Heartbeat', HeartbeatRequest, HeartbeatResponse),
  LeaveGroup: defineApi('LeaveGroup', LeaveGroupRequest, LeaveGroupResponse),
  SyncGroup: defineApi('SyncGroup', SyncGroupRequest, SyncGroupResponse),
  DescribeGroups: defineApi('DescribeGroups', DescribeGroupsRequest, DescribeGroupsResponse),
  ListGroups: defineApi('ListGroups', ListGroupsRequest, ListGroupsResponse),
  SaslHandshake: defineApi('SaslHandshake', SaslHandshakeRequest, SaslHandshakeResponse),
  ApiVersions: defineApi('ApiVersions', ApiVersionsRequest, ApiVersionsResponse),
  CreateTopics: defineApi('CreateTopics', CreateTopicsRequest, CreateTopicsResponse),
  DeleteTopics: defineApi('DeleteTopics', DeleteTopicsRequest, DeleteTopicsResponse),
  DeleteRecords: defineApi('DeleteRecords', DeleteRecordsRequest, DeleteRecordsResponse),
  InitProducerId: defineApi('InitProducerId', InitProducerIdRequest, InitProducerIdResponse),
  OffsetForLeaderEpoch: defineApi(
    'OffsetForLeaderEpoch',
    OffsetForLeaderEpochRequest,
    OffsetForLeaderEpochResponse,
  ),
  DescribeConfigs: defineApi('DescribeConfigs', DescribeConfigsRequest, DescribeConfigsResponse),
  AlterConfigs: defineApi('AlterConfigs', AlterConfigsRequest, AlterConfigsResponse),
  SaslAuthenticate: defineApi('SaslAuthenticate', SaslAuthenticateRequest, SaslAuthenticateResponse),
  CreatePartitions: defineApi('CreatePartitions', CreatePartitionsRequest, CreatePartitionsResponse),
  DeleteGroups: defineApi('DeleteGroups', DeleteGroupsRequest, DeleteGroupsResponse),
  IncrementalAlterConfigs: defineApi(
    'IncrementalAlterConfigs',
    IncrementalAlterConfigsRequest,
    IncrementalAlterConfigsResponse,
  ),
  OffsetDelete: defineApi('OffsetDelete', OffsetDeleteRequest, OffsetDeleteResponse),
  DescribeCluster: defineApi('DescribeCluster', DescribeClusterRequest, DescribeClusterResponse),
} as const

export type ApiName = keyof typeof Apis
export type AnyApi = (typeof Apis)[ApiName]

const BY_KEY = new Map<number, AnyApi>(Object.values(Apis).map((api) => [api.key, api]))

/** The API with this key, or undefined for a key Sluice does not speak. */
export function apiByKey(key: number): AnyApi | undefined {
  return BY_KEY.get(key)
}

export const allApis: readonly AnyApi[] = Object.values(Apis)
