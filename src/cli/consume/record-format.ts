import type { ConsumerMessage } from '../../client/index.js'

export type OutputFormat = 'text' | 'json' | 'raw'

type Message = ConsumerMessage<Buffer, Buffer>

const utf8 = (bytes: Buffer | null): string | null => (bytes === null ? null : bytes.toString('utf8'))

/**
 * One record as `sluice consume` prints it, newline included.
 * - text: the value as UTF-8; with a key separator, the key (empty when none), the separator, the value.
 * - json: `{ topic, partition, offset, timestamp, key, value, headers }` on one line; key, value and
 *   header values as UTF-8 strings (null stays null), headers as `[name, value]` pairs in order
 *   (names may repeat), offset and timestamp as numbers.
 * - raw: the value's bytes as they are, then a newline.
 */
export function formatRecord(message: Message, format: OutputFormat, keySeparator?: string): Buffer | string {
  switch (format) {
    case 'raw':
      return message.value === null ? '\n' : Buffer.concat([message.value, Buffer.from('\n')])
    case 'json':
      return `${JSON.stringify({
        topic: message.topic,
        partition: message.partition,
        offset: Number(message.offset),
        timestamp: message.timestamp,
        key: utf8(message.key),
        value: utf8(message.value),
        headers: message.headers.map(([name, value]) => [name, utf8(value)]),
      })}\n`
    case 'text': {
      const value = utf8(message.value) ?? ''
      if (keySeparator === undefined) return `${value}\n`
      return `${utf8(message.key) ?? ''}${keySeparator}${value}\n`
    }
  }
}
