/** One committed position, with what the client attached to it. */
export interface CommittedOffset {
  readonly offset: bigint
  /** Epoch of the leader the committed record came from; -1 when the client did not say. */
  readonly leaderEpoch: number
  /** Free-form client text stored next to the offset; "" when none was given. */
  readonly metadata: string
  /** When the broker stored it (ms since the epoch). */
  readonly commitTimestamp: number
}

export interface TopicOffsets {
  readonly topic: string
  readonly partitions: ReadonlyMap<number, CommittedOffset>
}

/**
 * The committed offsets of every group, by group, topic and partition. A
 * plain in-memory index: durability is the group log's job, which writes a
 * commit before it lands here.
 */
export class CommittedOffsets {
  private readonly byGroup = new Map<string, Map<string, Map<number, CommittedOffset>>>()

  set(groupId: string, topic: string, partition: number, value: CommittedOffset): void {
    let topics = this.byGroup.get(groupId)
    if (!topics) {
      topics = new Map()
      this.byGroup.set(groupId, topics)
    }
    let partitions = topics.get(topic)
    if (!partitions) {
      partitions = new Map()
      topics.set(topic, partitions)
    }
    partitions.set(partition, value)
  }

  get(groupId: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.byGroup.get(groupId)?.get(topic)?.get(partition)
  }

  /** Every topic the group has committed for, each with its partitions. */
  topicsOf(groupId: string): TopicOffsets[] {
    const topics = this.byGroup.get(groupId)
    if (!topics) return []
    return [...topics].map(([topic, partitions]) => ({ topic, partitions }))
  }

  hasAny(groupId: string): boolean {
    return (this.byGroup.get(groupId)?.size ?? 0) > 0
  }

  /** Removes one partition's offset; the group's entry goes with its last one. */
  delete(groupId: string, topic: string, partition: number): void {
    const topics = this.byGroup.get(groupId)
    const partitions = topics?.get(topic)
    if (!topics || !partitions) return
    partitions.delete(partition)
    if (partitions.size === 0) topics.delete(topic)
    if (topics.size === 0) this.byGroup.delete(groupId)
  }

  /** Removes the group's offsets; returns how many there were. */
  deleteGroup(groupId: string): number {
    const topics = this.byGroup.get(groupId)
    if (!topics) return 0
    this.byGroup.delete(groupId)
    let count = 0
    for (const partitions of topics.values()) count += partitions.size
    return count
  }

  groupIds(): string[] {
    return [...this.byGroup.keys()]
  }
}
