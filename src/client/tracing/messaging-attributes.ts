/** The OpenTelemetry messaging semantic conventions' attribute names Sluice sets (semconv 1.27+). */
export const Attr = {
  system: 'messaging.system',
  operationType: 'messaging.operation.type',
  operationName: 'messaging.operation.name',
  destination: 'messaging.destination.name',
  partition: 'messaging.destination.partition.id',
  clientId: 'messaging.client.id',
  group: 'messaging.consumer.group.name',
  key: 'messaging.kafka.message.key',
  offset: 'messaging.kafka.offset',
  tombstone: 'messaging.kafka.message.tombstone',
  batchCount: 'messaging.batch.message_count',
  errorType: 'error.type',
} as const

/** A message key as the conventions want it: its string form (bytes read as UTF-8). */
export function keyText(key: unknown): string | undefined {
  if (key === null || key === undefined) return undefined
  if (typeof key === 'string') return key
  if (key instanceof Uint8Array)
    return Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('utf8')
  if (typeof key === 'number' || typeof key === 'bigint' || typeof key === 'boolean') return String(key)
  return undefined
}
