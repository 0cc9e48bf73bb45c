import type { Cluster } from '../cluster/cluster.js'
import { ClientClosedError } from '../errors.js'
import type {
  AdminCallOptions,
  ClusterDescription,
  CommittedOffset,
  ConfigAlteration,
  ConfigResource,
  CreatedTopic,
  CreateTopicsOptions,
  DeletedRecords,
  GroupDescription,
  GroupLag,
  GroupListing,
  ListedOffset,
  ListOffsetsOptions,
  NewPartitions,
  NewTopic,
  OffsetQuery,
  OffsetToCommit,
  RecordsToDelete,
  ResetTarget,
  ResourceConfigs,
  TopicDescription,
  TopicPartition,
} from './admin-types.js'
import { describeConfigs, incrementalAlterConfigs } from './config-admin.js'
import {
  alterOffsets,
  deleteGroups,
  deleteOffsets,
  describeGroups,
  fetchOffsets,
  listGroups,
} from './group-admin.js'
import { groupLag, resetOffsets } from './group-lag.js'
import { deleteRecords, listOffsets } from './offset-admin.js'
import {
  createPartitions,
  createTopics,
  deleteTopics,
  describeCluster,
  describeTopics,
  listTopics,
} from './topic-admin.js'

/**
 * Cluster administration: topics, partitions, configs, offsets, records and
 * consumer groups. Each call finds the broker that must answer it (any
 * broker, a partition's leader, a group's coordinator), retries what is
 * retriable within its `timeoutMs` (default `defaultApiTimeoutMs`), and
 * reports per-item failures in one AdminError. Connects on first use;
 * `close()` releases every connection.
 */
export class Admin {
  private closed = false

  constructor(private readonly cluster: Cluster) {}

  /** Connects to the cluster now, rather than on the first call: fails here if no broker answers. */
  async connect(): Promise<void> {
    this.check()
    await this.cluster.connect()
  }

  createTopics(topics: readonly NewTopic[], options?: CreateTopicsOptions): Promise<CreatedTopic[]> {
    return this.run(() => createTopics(this.cluster, topics, options))
  }

  deleteTopics(topics: readonly string[], options?: AdminCallOptions): Promise<void> {
    return this.run(() => deleteTopics(this.cluster, topics, options))
  }

  listTopics(options?: AdminCallOptions & { includeInternal?: boolean }): Promise<string[]> {
    return this.run(() => listTopics(this.cluster, options))
  }

  describeTopics(topics: readonly string[], options?: AdminCallOptions): Promise<TopicDescription[]> {
    return this.run(() => describeTopics(this.cluster, topics, options))
  }

  describeCluster(options?: AdminCallOptions): Promise<ClusterDescription> {
    return this.run(() => describeCluster(this.cluster, options))
  }

  createPartitions(
    changes: readonly NewPartitions[],
    options?: AdminCallOptions & { validateOnly?: boolean },
  ): Promise<void> {
    return this.run(() => createPartitions(this.cluster, changes, options))
  }

  describeConfigs(
    resources: readonly ConfigResource[],
    options?: AdminCallOptions,
  ): Promise<ResourceConfigs[]> {
    return this.run(() => describeConfigs(this.cluster, resources, options))
  }

  incrementalAlterConfigs(
    alterations: readonly ConfigAlteration[],
    options?: AdminCallOptions & { validateOnly?: boolean },
  ): Promise<void> {
    return this.run(() => incrementalAlterConfigs(this.cluster, alterations, options))
  }

  listOffsets(queries: readonly OffsetQuery[], options?: ListOffsetsOptions): Promise<ListedOffset[]> {
    return this.run(() => listOffsets(this.cluster, queries, options))
  }

  deleteRecords(requests: readonly RecordsToDelete[], options?: AdminCallOptions): Promise<DeletedRecords[]> {
    return this.run(() => deleteRecords(this.cluster, requests, options))
  }

  listGroups(options?: AdminCallOptions & { states?: readonly string[] }): Promise<GroupListing[]> {
    return this.run(() => listGroups(this.cluster, options))
  }

  describeGroups(groupIds: readonly string[], options?: AdminCallOptions): Promise<GroupDescription[]> {
    return this.run(() => describeGroups(this.cluster, groupIds, options))
  }

  deleteGroups(groupIds: readonly string[], options?: AdminCallOptions): Promise<void> {
    return this.run(() => deleteGroups(this.cluster, groupIds, options))
  }

  fetchOffsets(
    groupId: string,
    options?: AdminCallOptions & { partitions?: readonly TopicPartition[]; requireStable?: boolean },
  ): Promise<CommittedOffset[]> {
    return this.run(() => fetchOffsets(this.cluster, groupId, options))
  }

  alterOffsets(
    groupId: string,
    offsets: readonly OffsetToCommit[],
    options?: AdminCallOptions,
  ): Promise<void> {
    return this.run(() => alterOffsets(this.cluster, groupId, offsets, options))
  }

  deleteOffsets(
    groupId: string,
    partitions: readonly TopicPartition[],
    options?: AdminCallOptions,
  ): Promise<void> {
    return this.run(() => deleteOffsets(this.cluster, groupId, partitions, options))
  }

  resetOffsets(
    groupId: string,
    target: { topic: string; partitions?: readonly number[]; to: ResetTarget },
    options?: AdminCallOptions,
  ): Promise<OffsetToCommit[]> {
    return this.run(() => resetOffsets(this.cluster, groupId, target, options))
  }

  lag(groupId: string, options?: AdminCallOptions): Promise<GroupLag> {
    return this.run(() => groupLag(this.cluster, groupId, options))
  }

  /** Closes every connection at once; calls in progress reject with ClientClosedError. Idempotent. */
  async close(): Promise<void> {
    this.closed = true
    await this.cluster.close()
  }

  private check(): void {
    if (this.closed) throw new ClientClosedError('admin')
  }

  private async run<T>(call: () => Promise<T>): Promise<T> {
    this.check()
    return call()
  }
}
