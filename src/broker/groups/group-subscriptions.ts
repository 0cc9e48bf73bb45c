import { decodeSubscription } from '../../protocol/consumer-protocol.js'
import type { ClassicGroup } from './classic-group.js'

/**
 * The topics the members of a consumer group (protocol type "consumer")
 * subscribe to, read from their consumer-protocol metadata: for the chosen
 * assignor once a generation exists, for every assignor a member offers
 * before that. Null when some member's metadata cannot be read, which
 * OffsetDelete takes as "may be subscribed to anything" (Kafka's older
 * coordinator did the same when it had no subscriptions to go by), so it
 * never deletes an offset an active member could be using.
 */
export function subscribedTopics(group: ClassicGroup): Set<string> | null {
  const topics = new Set<string>()
  for (const member of group.members.values()) {
    const offered =
      group.protocolName !== null
        ? [member.metadataFor(group.protocolName)]
        : member.protocols.map((p) => p.metadata)
    for (const metadata of offered) {
      try {
        for (const topic of decodeSubscription(metadata).value.topics) topics.add(topic)
      } catch {
        return null
      }
    }
  }
  return topics
}
