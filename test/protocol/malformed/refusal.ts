import { ProtocolError } from '../../../src/protocol/protocol-error.js'

/** What a decoder did with one input: read it, or refused it with a ProtocolError. */
export type Outcome = 'decoded' | 'refused'

/** Hex of the bytes a failure report needs to reproduce the input. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')
}

/**
 * The failure for anything a decoder throws besides ProtocolError: the kind of
 * crash that would take a connection handler (or the process) down instead of
 * closing one connection. It names the exception and carries the input.
 */
export function crashError(input: Uint8Array, error: unknown, what = 'decoder'): Error {
  const e = error as { name?: string; code?: string; message?: string } | null
  const kind = `${e?.name ?? typeof error}${e?.code ? ` ${e.code}` : ''}`
  return new Error(
    `${what} threw ${kind} instead of ProtocolError: ${e?.message ?? String(error)}\ninput (${input.length} bytes): ${toHex(input)}`,
    { cause: error },
  )
}

/** Runs `decode` on `input`; a ProtocolError is a refusal, any other exception a failure. */
export function decodeOrRefuse(
  input: Uint8Array,
  decode: (bytes: Buffer) => unknown,
  what?: string,
): Outcome {
  try {
    decode(Buffer.from(input.buffer, input.byteOffset, input.byteLength))
    return 'decoded'
  } catch (error) {
    if (error instanceof ProtocolError) return 'refused'
    throw crashError(input, error, what)
  }
}

export async function decodeOrRefuseAsync(
  input: Uint8Array,
  decode: (bytes: Buffer) => Promise<unknown>,
  what?: string,
): Promise<Outcome> {
  try {
    await decode(Buffer.from(input.buffer, input.byteOffset, input.byteLength))
    return 'decoded'
  } catch (error) {
    if (error instanceof ProtocolError) return 'refused'
    throw crashError(input, error, what)
  }
}

/**
 * Counts outcomes across a property's runs, so a test can show its inputs
 * reached both sides: a suite whose every input is refused at the first byte
 * (or accepted without being looked at) would prove little.
 */
export class OutcomeTally {
  decoded = 0
  refused = 0

  add(outcome: Outcome): void {
    if (outcome === 'decoded') this.decoded++
    else this.refused++
  }

  get total(): number {
    return this.decoded + this.refused
  }
}
