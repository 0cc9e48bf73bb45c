/**
 * AlterConfigs (33), versions 0-2: the legacy, whole-set form.
 * - TOPIC resources: the configs given become the topic's complete set of
 *   overrides; every key left out goes back to its default (an empty list
 *   clears them all). Validated as CreateTopics validates configs
 *   (INVALID_CONFIG); persisted with the topic and applied at once.
 * - The same request checks as IncrementalAlterConfigs (config-resources.ts):
 *   a resource named twice, a key named twice or a null value is
 *   INVALID_REQUEST. (Kafka 4.1 never answers a request naming a resource
 *   twice; here each copy gets INVALID_REQUEST.)
 * - BROKER resources: any change INVALID_REQUEST (settings are fixed at
 *   start); any other resource type INVALID_REQUEST, as in Kafka, which
 *   takes broker loggers only through IncrementalAlterConfigs.
 * - validateOnly checks everything and changes nothing.
 */
import { Apis } from '../../protocol/messages/index.js'
import { validateTopicConfigs } from '../topics/topic-config.js'
import { alterResources } from './config-resources.js'
import { defineHandler } from './handler.js'

export const alterConfigsHandler = defineHandler({
  api: Apis.AlterConfigs,
  minVersion: 0,
  maxVersion: 2,
  handle(body, { broker }) {
    const responses = alterResources(broker, body.resources, {
      validateOnly: body.validateOnly,
      incremental: false,
      change: (_topic, resource) => {
        // nulls were refused before this is asked
        const overrides = new Map(resource.configs.map((c) => [c.name, c.value as string]))
        const problem = validateTopicConfigs(overrides)
        return problem === null ? overrides : { errorCode: 'INVALID_CONFIG', message: problem }
      },
    })
    return { throttleTimeMs: 0, responses }
  },
})
