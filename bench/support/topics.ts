import { setTimeout as sleep } from 'node:timers/promises'
import { Kafka } from '../../src/index.js'
import { endOffsets } from '../broker/topic-admin.js'

/**
 * A fresh topic for every run (bench/producer, bench/consumer), so that
 * each run's high watermarks count its records alone, and the check that
 * they add up: read through the protocol
 * layer (ListOffsets on a bare wire connection), not through the client
 * under test, so a producer that drops or duplicates cannot vouch for itself.
 * Topics go once checked, which keeps the memory engine from filling up.
 */

export const PARTITIONS = 3

/** How long a new topic's leaders get to start serving; Kafka takes a moment after Metadata lists them. */
const READY_TIMEOUT_MS = 30_000

export class TopicSupply {
  private readonly admin
  private made = 0

  constructor(
    private readonly bootstrap: string,
    private readonly prefix: string,
  ) {
    this.admin = new Kafka({ brokers: bootstrap, clientId: `${prefix}-admin`, logger: 'warn' }).admin()
  }

  /**
   * Creates the next topic and resolves once every partition's leader
   * answers ListOffsets for it. Metadata naming a leader is not enough: a
   * Kafka node answered a produce sent right then with NOT_LEADER_OR_FOLLOWER,
   * which a client would retry and the run would be charged for.
   */
  async fresh(): Promise<string> {
    const topic = `${this.prefix}-${++this.made}-${Date.now().toString(36)}`
    await this.admin.createTopics([{ topic, partitions: PARTITIONS, replicationFactor: 1 }])
    const deadline = Date.now() + READY_TIMEOUT_MS
    for (;;) {
      try {
        const ends = await this.stored(topic)
        if (ends.some((end) => end !== 0))
          throw new Error(`new topic ${topic} is not empty: ${ends.join(', ')}`)
        return topic
      } catch (err) {
        if (Date.now() > deadline) throw err
        await sleep(100)
      }
    }
  }

  /** Records each partition holds: its high watermark (the topic started empty). */
  stored(topic: string): Promise<number[]> {
    return endOffsets(this.bootstrap, topic, PARTITIONS)
  }

  async remove(topic: string): Promise<void> {
    await this.admin.deleteTopics([topic])
  }

  close(): Promise<void> {
    return this.admin.close()
  }
}
