import type { Partition, Topic } from '../topics/topic.js'
import type { TopicStore } from '../topics/topic-store.js'
import type { PartitionLeadership } from './cluster-view.js'
import { LeaderEpochHistory } from './leader-epoch-history.js'
import type { LeadershipStore, StoredLeader } from './leadership-store.js'
import { OFFSETS_TOPIC, OFFSETS_TOPIC_PARTITIONS, offsetsPartitionFor, replicaOrder } from './placement.js'

interface LeaderState {
  leaderId: number
  epoch: number
}

const NO_LEADERSHIP: PartitionLeadership = { leaderId: -1, leaderEpoch: -1 }

/**
 * Who leads what in a test cluster, and the leader-epoch bookkeeping that
 * goes with it. Every node is a replica of every partition; the leader is
 * the preferred replica (placement.ts) while it is up, else the next live
 * one in replica order, as Kafka's election picks the first live in-sync
 * replica. Every leader change (a move, a node stopping, a leaderless
 * partition getting a leader again) bumps the partition's leader epoch.
 *
 * Group coordinators are placed the same way, through the leaders of a
 * simulated `__consumer_offsets` with Kafka's 50 partitions: a group's
 * coordinator is the leader of partition abs(hash(groupId)) % 50, so groups
 * fail over with their offsets partition.
 *
 * Partitions of topics created later (CreateTopics, CreatePartitions,
 * auto-creation) get their leader at first sight, at epoch 0.
 */
export class ClusterLeadership {
  private readonly live: Set<number>
  /** Leader state per topic id (so a topic deleted and created again starts afresh), per partition. */
  private readonly byTopicId = new Map<string, LeaderState[]>()
  private readonly offsets: LeaderState[] = []
  /** Epoch histories, built from the log on first use; keyed by log, which a deleted topic takes along. */
  private readonly histories = new WeakMap<object, LeaderEpochHistory>()

  constructor(
    readonly nodeIds: readonly number[],
    private readonly topics: TopicStore,
    private readonly persistence: LeadershipStore | undefined,
    /** Called for each partition whose leader changed, so that fetches parked on it are answered. */
    private readonly onLeaderChange: (partition: Partition) => void,
  ) {
    this.live = new Set(nodeIds)
  }

  /**
   * Gives every partition known now its leader: the one recorded in the data
   * directory when that node is still part of the cluster, otherwise a new
   * election (and a new epoch). Call once the topics are loaded.
   */
  restore(): void {
    const stored = this.persistence?.load() ?? { topics: new Map(), offsets: [] }
    let changed = false
    const restoreOne = (name: string, index: number, saved: StoredLeader | undefined): LeaderState => {
      if (saved && this.nodeIds.includes(saved.leaderId)) return { ...saved }
      if (saved) changed = true
      return { leaderId: this.electFor(name, index), epoch: saved ? saved.epoch + 1 : 0 }
    }
    for (const topic of this.topics.list()) {
      const saved = stored.topics.get(topic.id) ?? []
      this.byTopicId.set(
        topic.id,
        topic.partitions.map((p) => restoreOne(topic.name, p.index, saved[p.index])),
      )
    }
    for (let i = 0; i < OFFSETS_TOPIC_PARTITIONS; i++) {
      this.offsets.push(restoreOne(OFFSETS_TOPIC, i, stored.offsets[i]))
    }
    if (changed) this.save()
  }

  isLive(nodeId: number): boolean {
    return this.live.has(nodeId)
  }

  /** Live node ids in id order. */
  liveNodeIds(): number[] {
    return this.nodeIds.filter((id) => this.live.has(id))
  }

  replicasOf(topic: string, partition: number): number[] {
    return replicaOrder(this.nodeIds, topic, partition)
  }

  leaderOf(topic: string, partition: number): PartitionLeadership {
    const t = this.topics.get(topic)
    if (!t?.partitions[partition]) return NO_LEADERSHIP
    const state = this.stateOf(t, partition)
    return { leaderId: state.leaderId, leaderEpoch: state.epoch }
  }

  /** The partition's epoch history, rebuilt from its batch headers the first time it is asked for. */
  historyOf(topic: string, partition: number): LeaderEpochHistory | undefined {
    const t = this.topics.get(topic)
    const p = t?.partitions[partition]
    if (!t || !p) return undefined
    let history = this.histories.get(p.log)
    if (!history) {
      history = LeaderEpochHistory.fromLog(p.log, this.stateOf(t, partition).epoch)
      this.histories.set(p.log, history)
    }
    return history
  }

  /** The node coordinating `groupId`, or -1 while no node is up. */
  coordinatorOf(groupId: string): number {
    return this.offsets[offsetsPartitionFor(groupId)].leaderId
  }

  /** The simulated `__consumer_offsets` partition holding `groupId`, with its leader and epoch. */
  offsetsPartitionOf(groupId: string): { partition: number } & PartitionLeadership {
    const partition = offsetsPartitionFor(groupId)
    const state = this.offsets[partition]
    return { partition, leaderId: state.leaderId, leaderEpoch: state.epoch }
  }

  /** Makes `nodeId` the partition's leader (a reassignment); the epoch moves unless it already leads. */
  moveLeader(topic: string, partition: number, nodeId: number): PartitionLeadership {
    const t = this.topics.get(topic)
    if (!t) throw new Error(`moveLeader: no topic ${topic}`)
    if (!t.partitions[partition]) throw new Error(`moveLeader: topic ${topic} has no partition ${partition}`)
    this.assertLiveMember('moveLeader', nodeId)
    const state = this.stateOf(t, partition)
    if (state.leaderId !== nodeId) {
      this.changeLeader(state, nodeId, t.partitions[partition])
      this.save()
    }
    return { leaderId: state.leaderId, leaderEpoch: state.epoch }
  }

  /** Moves the coordinator of `groupId`, with every other group of its `__consumer_offsets` partition. */
  moveCoordinator(groupId: string, nodeId: number): void {
    this.assertLiveMember('moveCoordinator', nodeId)
    const state = this.offsets[offsetsPartitionFor(groupId)]
    if (state.leaderId === nodeId) return
    this.changeLeader(state, nodeId, undefined)
    this.save()
  }

  /** A node went down: what it led goes to the next live replica, or to no one when none is left. */
  nodeStopped(nodeId: number): void {
    if (!this.live.has(nodeId)) return
    this.materialize()
    this.live.delete(nodeId)
    this.reelect((state) => state.leaderId === nodeId)
  }

  /**
   * A node came back. It leads nothing yet, except partitions that had no
   * leader at all: as in Kafka, leadership returns to preferred replicas
   * only through a preferred-leader election (`electPreferredLeaders`).
   */
  nodeStarted(nodeId: number): void {
    if (!this.nodeIds.includes(nodeId) || this.live.has(nodeId)) return
    this.materialize()
    this.live.add(nodeId)
    this.reelect((state) => state.leaderId === -1)
  }

  /**
   * Kafka's preferred-leader election: every partition (and offsets
   * partition) whose preferred replica is up but not leading moves back to
   * it. Returns how many moved.
   */
  electPreferredLeaders(): number {
    let moved = 0
    this.forEachState((state, name, index, partition) => {
      const preferred = replicaOrder(this.nodeIds, name, index)[0]
      if (state.leaderId !== preferred && this.live.has(preferred)) {
        this.changeLeader(state, preferred, partition)
        moved++
      }
    })
    if (moved > 0) this.save()
    return moved
  }

  /**
   * Gives every partition not looked at yet the leader it has now. State is
   * created at first sight from the live nodes of that moment, so it must be
   * pinned before the live set changes, or a partition would change leader
   * without a new epoch.
   */
  private materialize(): void {
    this.forEachState(() => {})
  }

  private reelect(affected: (state: LeaderState) => boolean): void {
    let changed = false
    this.forEachState((state, name, index, partition) => {
      if (!affected(state)) return
      const next = this.electFor(name, index)
      if (next === state.leaderId) return
      this.changeLeader(state, next, partition)
      changed = true
    })
    if (changed) this.save()
  }

  /** First live replica in replica order (the preferred one when it is up), or -1. */
  private electFor(name: string, index: number): number {
    return replicaOrder(this.nodeIds, name, index).find((id) => this.live.has(id)) ?? -1
  }

  private changeLeader(state: LeaderState, leaderId: number, partition: Partition | undefined): void {
    state.leaderId = leaderId
    state.epoch++
    if (!partition) return
    // a history already built follows the change; one built later reads it from the headers
    this.histories.get(partition.log)?.assign(state.epoch, partition.log.logEndOffset)
    this.onLeaderChange(partition)
  }

  private stateOf(topic: Topic, index: number): LeaderState {
    let states = this.byTopicId.get(topic.id)
    if (!states) {
      states = []
      this.byTopicId.set(topic.id, states)
    }
    let state = states[index]
    if (!state) {
      state = { leaderId: this.electFor(topic.name, index), epoch: 0 }
      states[index] = state
    }
    return state
  }

  /** Visits every partition of every existing topic, then every offsets partition; forgets deleted topics. */
  private forEachState(
    visit: (state: LeaderState, name: string, index: number, partition: Partition | undefined) => void,
  ): void {
    const existing = new Set<string>()
    for (const topic of this.topics.list()) {
      existing.add(topic.id)
      for (const p of topic.partitions) visit(this.stateOf(topic, p.index), topic.name, p.index, p)
    }
    for (const id of this.byTopicId.keys()) if (!existing.has(id)) this.byTopicId.delete(id)
    for (const [i, state] of this.offsets.entries()) visit(state, OFFSETS_TOPIC, i, undefined)
  }

  private assertLiveMember(what: string, nodeId: number): void {
    if (!this.nodeIds.includes(nodeId)) throw new Error(`${what}: node ${nodeId} is not in this cluster`)
    if (!this.live.has(nodeId)) throw new Error(`${what}: node ${nodeId} is stopped`)
  }

  private save(): void {
    if (!this.persistence) return
    const topics = new Map<string, StoredLeader[]>()
    for (const topic of this.topics.list()) {
      topics.set(
        topic.id,
        topic.partitions.map((p) => {
          const s = this.stateOf(topic, p.index)
          return { leaderId: s.leaderId, epoch: s.epoch }
        }),
      )
    }
    this.persistence.save({ topics, offsets: this.offsets.map((s) => ({ ...s })) })
  }
}
