import type { Clock } from '../clock.js'
import type { FsyncPolicy } from '../log/partition-log.js'
import type { FsyncFd } from '../log/sync-tracker.js'
import type { Logger } from '../logger.js'
import { ClassicGroup } from './classic-group.js'
import { type CommittedOffset, CommittedOffsets } from './committed-offsets.js'
import { type GroupLog, groupLogDir, openGroupLog } from './group-log.js'
import {
  type GroupLogRecord,
  type GroupSnapshot,
  restoreGroup,
  restoreOffset,
  type StoredGroup,
  type StoredPartition,
  storeGroup,
  storeOffset,
} from './group-records.js'

export interface GroupStoreOptions {
  /** Where groups and offsets persist; undefined keeps them in memory only. */
  dataDir: string | undefined
  fsync: FsyncPolicy
  flushIntervalMs: number
  /** Byte size past which the group log is compacted into a snapshot (tests make it small). */
  compactionBytes?: number
  /** Replaceable fsync, for tests that make it fail. */
  fsyncFd?: FsyncFd
}

/**
 * The coordinator's state — groups by id and committed offsets — and its
 * persistence. A change is written to the group log first and applied
 * after, so a write that fails changes nothing; in memory mode there is no
 * log. A group's live state (a rebalance in progress) is the coordinator's;
 * only completed generations are written here.
 */
export class GroupStore {
  readonly groups = new Map<string, ClassicGroup>()
  readonly offsets = new CommittedOffsets()
  /** Each group as last written: what a restart brings back (not a rebalance in progress). */
  private readonly persisted = new Map<string, StoredGroup>()
  private log: GroupLog | undefined

  constructor(
    private readonly options: GroupStoreOptions,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** Reads the snapshot and the log after it into memory. */
  load(): void {
    if (this.options.dataDir === undefined) return
    const opened = openGroupLog({
      dir: groupLogDir(this.options.dataDir),
      fsync: this.options.fsync,
      flushIntervalMs: this.options.flushIntervalMs,
      clock: this.clock,
      logger: this.logger,
      compactionBytes: this.options.compactionBytes,
      fsyncFd: this.options.fsyncFd,
    })
    this.log = opened.log
    if (opened.snapshot) {
      for (const group of opened.snapshot.groups) this.replay({ type: 'group', group })
      for (const entry of opened.snapshot.offsets) this.replay({ type: 'offsets', ...entry })
    }
    for (const record of opened.records) this.replay(record)
    this.logger.info(
      `loaded ${this.groups.size} groups (${opened.records.length} log records after the snapshot)`,
    )
  }

  /** The group, created Empty when it does not exist yet. */
  getOrCreate(groupId: string): ClassicGroup {
    let group = this.groups.get(groupId)
    if (!group) {
      group = new ClassicGroup(groupId)
      this.groups.set(groupId, group)
    }
    return group
  }

  /** Records the group's current generation (members, assignments); throws when it cannot be written. */
  saveGroup(group: ClassicGroup): void {
    const stored = storeGroup(group)
    this.append({ type: 'group', group: stored })
    this.persisted.set(group.groupId, stored)
    this.compactIfDue()
  }

  /** Records committed offsets; throws when they cannot be written, and then nothing changed. */
  saveOffsets(
    groupId: string,
    offsets: readonly { topic: string; partition: number; value: CommittedOffset }[],
  ): void {
    this.append({
      type: 'offsets',
      groupId,
      offsets: offsets.map((o) => storeOffset(o.topic, o.partition, o.value)),
    })
    for (const o of offsets) this.offsets.set(groupId, o.topic, o.partition, o.value)
    this.compactIfDue()
  }

  /** Forgets some committed offsets of a group (OffsetDelete); throws when that cannot be recorded, and then nothing changed. */
  deleteOffsets(groupId: string, partitions: readonly StoredPartition[]): void {
    this.append({ type: 'delete-offsets', groupId, partitions: [...partitions] })
    for (const p of partitions) this.offsets.delete(groupId, p.topic, p.partition)
    this.compactIfDue()
  }

  /** Forgets the group and its offsets; throws when that cannot be recorded, and then nothing changed. */
  deleteGroup(groupId: string): void {
    if (this.persisted.has(groupId) || this.offsets.hasAny(groupId)) this.append({ type: 'delete', groupId })
    this.forget(groupId)
    this.compactIfDue()
  }

  /** Resolves once every write so far is on disk (at once in memory). */
  async flush(): Promise<void> {
    await this.log?.flush()
  }

  /** Whether OffsetCommit must wait for `flush` before answering. */
  get syncsEachCommit(): boolean {
    return this.log !== undefined && this.options.fsync === 'always'
  }

  /** Syncs, leaves a snapshot behind and releases the files. */
  async close(): Promise<void> {
    await this.log?.close(this.snapshot())
  }

  private append(record: GroupLogRecord): void {
    this.log?.append(record)
  }

  private compactIfDue(): void {
    if (!this.log?.needsCompaction) return
    try {
      this.log.compact(this.snapshot())
    } catch (err) {
      this.logger.error(`cannot compact the group log: ${(err as Error).message}`)
    }
  }

  private forget(groupId: string): void {
    this.groups.delete(groupId)
    this.persisted.delete(groupId)
    this.offsets.deleteGroup(groupId)
  }

  /**
   * Applies one stored record while loading. Each sets or removes whole
   * entries, so replaying a log over the snapshot it was compacted into
   * gives the same state again.
   */
  private replay(record: GroupLogRecord): void {
    switch (record.type) {
      case 'group':
        this.groups.set(record.group.groupId, restoreGroup(record.group))
        this.persisted.set(record.group.groupId, record.group)
        break
      case 'offsets':
        this.getOrCreate(record.groupId)
        for (const o of record.offsets)
          this.offsets.set(record.groupId, o.topic, o.partition, restoreOffset(o))
        break
      case 'delete':
        this.forget(record.groupId)
        break
      case 'delete-offsets':
        for (const p of record.partitions) this.offsets.delete(record.groupId, p.topic, p.partition)
        break
    }
  }

  private snapshot(): GroupSnapshot {
    return {
      format: 1,
      groups: [...this.persisted.values()],
      offsets: this.offsets.groupIds().map((groupId) => ({
        groupId,
        offsets: this.offsets
          .topicsOf(groupId)
          .flatMap(({ topic, partitions }) =>
            [...partitions].map(([p, value]) => storeOffset(topic, p, value)),
          ),
      })),
    }
  }
}
