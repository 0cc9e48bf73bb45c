/** Turns a key or value's bytes into what the handler gets; null stays null (a tombstone). */
export type Deserializer<T = unknown> = (bytes: Buffer, topic: string) => T

/** `buffer` (default) hands the bytes over; `string` decodes UTF-8; `json` parses; or your own function. */
export type DeserializerOption = 'buffer' | 'string' | 'json' | Deserializer

const asBuffer: Deserializer<Buffer> = (bytes) => bytes
const asString: Deserializer<string> = (bytes) => bytes.toString('utf8')
const asJson: Deserializer = (bytes) => JSON.parse(bytes.toString('utf8'))

export function deserializerFor(option: DeserializerOption): Deserializer {
  if (typeof option === 'function') return option
  return option === 'string' ? asString : option === 'json' ? asJson : asBuffer
}
