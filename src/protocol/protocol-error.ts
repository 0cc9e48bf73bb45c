/**
 * Raised when bytes from the network do not form a valid Kafka message: a length
 * larger than what remains, a varint that never ends, a null where the schema
 * forbids one, a record batch whose CRC does not match. A connection that sees
 * one should be closed; the process carries on.
 */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError'
}

/** A record batch whose stored CRC32C does not match its contents. */
export class CorruptRecordError extends ProtocolError {
  constructor(
    message: string,
    readonly expectedCrc: number,
    readonly actualCrc: number,
  ) {
    super(message)
  }
}
