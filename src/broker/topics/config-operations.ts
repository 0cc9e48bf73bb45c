import { splitList, type TopicConfig, topicConfigDefinition, validateTopicConfigs } from './topic-config.js'

/** IncrementalAlterConfigs' operations (Kafka's AlterConfigOp.OpType codes). */
export const ConfigOperation = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const

const OPERATION_NAMES = ['SET', 'DELETE', 'APPEND', 'SUBTRACT']

export interface ConfigChange {
  readonly name: string
  readonly configOperation: number
  /** Null only with DELETE; the caller has refused other nulls. */
  readonly value: string | null
}

/** Why a change was refused, as the error code and message Kafka answers with. */
export interface ConfigRefusal {
  readonly errorCode: 'INVALID_CONFIG' | 'UNKNOWN_SERVER_ERROR'
  readonly message: string
}

/**
 * The topic overrides after applying `changes` in order, as Kafka's
 * controller does: SET replaces a key, DELETE drops it (back to the broker or
 * Kafka default; deleting a key never set is fine), APPEND adds the items
 * not already there and SUBTRACT removes items, both on LIST configs only,
 * starting from the value in force (the default when the key is not set).
 * The whole result is then validated like CreateTopics configs, so one bad
 * key refuses the resource and nothing changes.
 */
export function applyConfigChanges(
  config: TopicConfig,
  changes: readonly ConfigChange[],
): ReadonlyMap<string, string> | ConfigRefusal {
  const overrides = new Map(config.overrides)
  for (const change of changes) {
    const { name, configOperation: op } = change
    if (op === ConfigOperation.SET) {
      overrides.set(name, change.value as string)
    } else if (op === ConfigOperation.DELETE) {
      overrides.delete(name)
    } else if (op === ConfigOperation.APPEND || op === ConfigOperation.SUBTRACT) {
      if (!topicConfigDefinition(name)?.list) {
        // Kafka's wording, "to" included
        return {
          errorCode: 'INVALID_CONFIG',
          message: `Can't ${OPERATION_NAMES[op]} to key ${name} because its type is not LIST.`,
        }
      }
      const items = splitList(overrides.get(name) ?? config.get(name))
      const given = splitList(change.value as string)
      const next =
        op === ConfigOperation.APPEND
          ? [...items, ...given.filter((item, i) => !items.includes(item) && given.indexOf(item) === i)]
          : items.filter((item) => !given.includes(item))
      overrides.set(name, next.join(','))
    } else {
      // Kafka fails these with UNKNOWN_SERVER_ERROR too, but says nothing; the message is ours
      return { errorCode: 'UNKNOWN_SERVER_ERROR', message: `Unknown config operation ${op} for ${name}` }
    }
  }
  const problem = validateTopicConfigs(overrides)
  return problem === null ? overrides : { errorCode: 'INVALID_CONFIG', message: problem }
}
