/**
 * DescribeConfigs (32), versions 0-4.
 * - TOPIC resources: every known topic config (or those asked for) with its
 *   effective value and where it comes from (topic override, broker option,
 *   Kafka default).
 * - BROKER resources (this node's id, or "" for cluster defaults): the broker
 *   settings clients look at, with the values this broker really uses.
 * - v1+ synonyms when asked; v3+ config types and (empty) documentation.
 */
import { ErrorCode } from '../../protocol/error-codes.js'
import { Apis } from '../../protocol/messages/index.js'
import type { BrokerContext } from '../broker-context.js'
import { TOPIC_CONFIGS } from '../topics/topic-config.js'
import { brokerConfigEntries, type ConfigEntry, topicConfigEntries } from './config-entries.js'
import { ResourceType } from './config-resources.js'
import { defineHandler } from './handler.js'

export const describeConfigsHandler = defineHandler({
  api: Apis.DescribeConfigs,
  minVersion: 0,
  maxVersion: 4,
  handle(body, { broker, version }) {
    const results = body.resources.map((resource) => {
      const base = { resourceType: resource.resourceType, resourceName: resource.resourceName }
      const entries = entriesFor(broker, resource.resourceType, resource.resourceName)
      if (typeof entries === 'string') {
        const errorCode =
          resource.resourceType === ResourceType.TOPIC
            ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
            : ErrorCode.INVALID_REQUEST
        return { ...base, errorCode, errorMessage: entries, configs: [] }
      }
      const wanted = resource.configurationKeys
      const selected = wanted === null ? entries : entries.filter((e) => wanted.includes(e.name))
      return {
        ...base,
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        configs: selected.map((e) => ({
          name: e.name,
          value: e.value,
          readOnly: e.readOnly,
          isDefault: e.source === 5,
          configSource: e.source,
          isSensitive: false,
          synonyms:
            version >= 1 && body.includeSynonyms ? [{ name: e.name, value: e.value, source: e.source }] : [],
          configType: e.type,
          documentation: null,
        })),
      }
    })
    return { throttleTimeMs: 0, results }
  },
})

/** The entries of one resource, or a message saying why there are none. */
function entriesFor(broker: BrokerContext, type: number, name: string): ConfigEntry[] | string {
  if (type === ResourceType.TOPIC) {
    const topic = broker.topics.get(name)
    if (!topic) return `Topic ${name} does not exist`
    return topicConfigEntries(topic.config, TOPIC_CONFIGS)
  }
  if (type === ResourceType.BROKER) {
    if (name !== '' && name !== String(broker.nodeId))
      return `Broker ${name} is not this broker (${broker.nodeId})`
    return brokerConfigEntries(broker)
  }
  return `Resource type ${type} is not supported`
}
