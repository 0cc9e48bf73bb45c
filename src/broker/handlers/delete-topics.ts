/**
 * DeleteTopics (20), versions 1-6.
 * - v1-5 name topics in `topicNames`; v6 in `topics`, by name or by id.
 * - Unknown names get UNKNOWN_TOPIC_OR_PARTITION, unknown ids UNKNOWN_TOPIC_ID.
 * - Deleting wakes fetches parked on the topic's partitions, so they answer
 *   with the error at once instead of at their timeout.
 */
import { ErrorCode } from '../../protocol/error-codes.js'
import { Apis } from '../../protocol/messages/index.js'
import type { BrokerContext } from '../broker-context.js'
import type { Topic } from '../topics/topic.js'
import { defineHandler } from './handler.js'

const ZERO_UUID = '00000000-0000-0000-0000-000000000000'

export const deleteTopicsHandler = defineHandler({
  api: Apis.DeleteTopics,
  minVersion: 1,
  maxVersion: 6,
  async handle(body, { broker, version }) {
    const requested =
      version >= 6 ? body.topics : body.topicNames.map((name) => ({ name, topicId: ZERO_UUID }))
    const responses = []
    for (const r of requested) {
      const topic = r.name !== null ? broker.topics.get(r.name) : broker.topics.getById(r.topicId)
      if (!topic) {
        const errorCode = r.name !== null ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.UNKNOWN_TOPIC_ID
        responses.push({ name: r.name, topicId: r.topicId, errorCode, errorMessage: null })
        continue
      }
      await deleteTopic(broker, topic)
      responses.push({ name: topic.name, topicId: topic.id, errorCode: ErrorCode.NONE, errorMessage: null })
    }
    return { throttleTimeMs: 0, responses }
  },
})

async function deleteTopic(broker: BrokerContext, topic: Topic): Promise<void> {
  await broker.topics.delete(topic.name)
  for (const p of topic.partitions) broker.watchers.notify(p.watchKey)
  broker.logger.info(`deleted topic ${topic.name}`)
}
