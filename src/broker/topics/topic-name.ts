const LEGAL = /^[a-zA-Z0-9._-]+$/
/** Kafka's limit: a partition directory name `<topic>-<partition>` must fit in 255 bytes. */
export const MAX_TOPIC_NAME_LENGTH = 249

/** Returns why a topic name is illegal (Kafka's rules), or null when it is fine. */
export function invalidTopicNameReason(name: string): string | null {
  if (name.length === 0) return "Topic name is illegal, it can't be empty"
  if (name === '.' || name === '..') return 'Topic name cannot be "." or ".."'
  if (name.length > MAX_TOPIC_NAME_LENGTH) {
    return `Topic name is illegal, it can't be longer than ${MAX_TOPIC_NAME_LENGTH} characters, topic name: ${name}`
  }
  if (!LEGAL.test(name)) {
    return `Topic name "${name}" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`
  }
  return null
}
