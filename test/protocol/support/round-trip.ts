import fc from 'fast-check'
import { expect } from 'vitest'
import { encodeMessage, messageCodec } from '../../../src/protocol/codec.js'
import { Reader } from '../../../src/protocol/reader.js'
import type { MessageSpec } from '../../../src/protocol/schema.js'
import { messageArbitrary, versionsOf } from './message-arbitrary.js'

/**
 * Asserts that every version of a schema decodes what it encodes, field for
 * field, and consumes exactly the bytes it wrote.
 */
export function checkRoundTrip(spec: MessageSpec, numRuns = 60): void {
  for (const version of versionsOf(spec)) {
    fc.assert(
      fc.property(messageArbitrary(spec, version), (value) => {
        const bytes = encodeMessage(spec, version, value)
        const reader = new Reader(bytes)
        const decoded = messageCodec(spec, version).decode(reader)
        expect(reader.remaining).toBe(0)
        expect(decoded).toEqual(value)
        // a second encode of the decoded value is byte-identical
        expect(encodeMessage(spec, version, decoded)).toEqual(bytes)
      }),
      { numRuns },
    )
  }
}
