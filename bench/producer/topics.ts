import { Kafka } from '../../src/index.js'
import { endOffsets } from '../broker/topic-admin.js'

/**
 * A fresh topic for every run, so that each run's high watermarks count its
 * records alone, and the check that they add up: read through the protocol
 * layer (ListOffsets on a bare wire connection), not through the client
 * under test, so a producer that drops or duplicates cannot vouch for itself.
 * Topics go once checked, which keeps the memory engine from filling up.
 */

export const PARTITIONS = 3

export class TopicSupply {
  private readonly admin
  private made = 0

  constructor(
    private readonly bootstrap: string,
    private readonly prefix: string,
  ) {
    this.admin = new Kafka({ brokers: bootstrap, clientId: 'bench-producer-admin', logger: 'warn' }).admin()
  }

  /** Creates the next topic and resolves once every partition has a leader. */
  async fresh(): Promise<string> {
    const topic = `${this.prefix}-${++this.made}-${Date.now().toString(36)}`
    await this.admin.createTopics([{ topic, partitions: PARTITIONS, replicationFactor: 1 }])
    return topic
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
