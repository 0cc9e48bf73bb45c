import { InvalidArgumentError } from '../errors.js'
import type { TopicPartition } from './admin-types.js'
import { partitionKey } from './call-context.js'

/**
 * Checks of admin call arguments, made before anything is sent: a bad one
 * throws InvalidArgumentError naming where it is (`topics[2].partition`).
 */

/** Topic names Kafka accepts (Topic.validate): 1-249 of [a-zA-Z0-9._-], not "." or "..". */
const LEGAL_TOPIC = /^[a-zA-Z0-9._-]{1,249}$/

export function checkTopicName(name: unknown, argument: string): string {
  if (typeof name !== 'string' || !LEGAL_TOPIC.test(name) || name === '.' || name === '..') {
    throw new InvalidArgumentError(
      argument,
      `${JSON.stringify(name)} is not a legal topic name (1-249 of a-z A-Z 0-9 . _ -)`,
    )
  }
  return name
}

export function checkPartition(tp: TopicPartition, argument: string): void {
  checkTopicName(tp?.topic, `${argument}.topic`)
  if (!Number.isInteger(tp.partition) || tp.partition < 0) {
    throw new InvalidArgumentError(
      `${argument}.partition`,
      `must be a partition number >= 0, got ${tp.partition}`,
    )
  }
}

export function uniqueByPartition<T extends TopicPartition>(
  items: readonly T[],
  argument: string,
): Map<string, T> {
  const byKey = new Map<string, T>()
  items.forEach((item, i) => {
    checkPartition(item, `${argument}[${i}]`)
    const key = partitionKey(item.topic, item.partition)
    if (byKey.has(key)) throw new InvalidArgumentError(`${argument}[${i}]`, `${key} is listed twice`)
    byKey.set(key, item)
  })
  return byKey
}

export function checkGroupId(groupId: unknown, argument: string): string {
  if (typeof groupId !== 'string' || groupId === '') {
    throw new InvalidArgumentError(argument, `must be a non-empty group id, got ${JSON.stringify(groupId)}`)
  }
  return groupId
}
