/**
 * IncrementalAlterConfigs (44), versions 0-1.
 * - TOPIC resources: SET, DELETE, APPEND and SUBTRACT (LIST configs only,
 *   i.e. cleanup.policy) applied in order to the topic's overrides, then
 *   the result validated as CreateTopics validates configs: an unknown key or
 *   a bad value is INVALID_CONFIG and changes nothing. Changes persist with
 *   the topic and reach the partition logs at once (topic-store.ts).
 * - Before that, as Kafka's brokers do: a resource named twice is
 *   INVALID_REQUEST on each copy, a key named twice or a null value (except
 *   with DELETE) INVALID_REQUEST; an unknown topic UNKNOWN_TOPIC_OR_PARTITION,
 *   an illegal name INVALID_TOPIC_EXCEPTION, "" INVALID_REQUEST.
 * - BROKER resources ("" or this node's id): any change is INVALID_REQUEST,
 *   the settings being fixed at start; BROKER_LOGGER: INVALID_CONFIG, no
 *   such logger; CLIENT_METRICS and GROUP: INVALID_REQUEST (not supported).
 * - validateOnly checks everything and changes nothing.
 * - Any node of a test cluster serves it (the nodes share one topic store).
 */
import { Apis } from '../../protocol/messages/index.js'
import { applyConfigChanges } from '../topics/config-operations.js'
import { alterResources } from './config-resources.js'
import { defineHandler } from './handler.js'

export const incrementalAlterConfigsHandler = defineHandler({
  api: Apis.IncrementalAlterConfigs,
  minVersion: 0,
  maxVersion: 1,
  handle(body, { broker }) {
    const responses = alterResources(broker, body.resources, {
      validateOnly: body.validateOnly,
      incremental: true,
      change: (topic, resource) => applyConfigChanges(topic.config, resource.configs),
    })
    return { throttleTimeMs: 0, responses }
  },
})
