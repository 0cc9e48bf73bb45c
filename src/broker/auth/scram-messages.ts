import { decodeSaslName } from '../../protocol/sasl/sasl-name.js'

/**
 * Parsing and formatting of the SCRAM messages (RFC 5802 section 7), with the
 * restrictions Kafka applies: the GS2 header must be `n` (no channel
 * binding), and extensions are `name=value` pairs the broker may ignore.
 * Parsers return null for anything malformed; the exchange turns that into
 * an authentication failure.
 */

export interface ClientFirstMessage {
  /** `n,,` or `n,a=<authzid>,`: echoed back, base64, in the client's final message. */
  readonly gs2Header: string
  /** The authorization id, decoded; empty when absent. */
  readonly authzid: string
  /** The user name, decoded from its saslname form. */
  readonly username: string
  readonly nonce: string
  readonly extensions: ReadonlyMap<string, string>
  /** The message without its GS2 header, as it enters the AuthMessage. */
  readonly bare: string
}

export interface ClientFinalMessage {
  /** The `c=` attribute, decoded. */
  readonly channelBinding: Buffer
  readonly nonce: string
  readonly proof: Buffer
  /** Everything before `,p=`, as it enters the AuthMessage. */
  readonly withoutProof: string
}

const utf8 = new TextDecoder('utf-8', { fatal: true })
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/
/** printable ASCII except the comma (RFC 5802 `printable`). */
const NONCE = /^[\x21-\x2b\x2d-\x7e]+$/
const EXTENSION = /^([A-Za-z]+)=([^,\0]*)$/

/** Token bytes as text, or null when they are not UTF-8. */
export function decodeToken(token: Buffer): string | null {
  try {
    return utf8.decode(token)
  } catch {
    return null
  }
}

function parseExtensions(parts: readonly string[]): Map<string, string> | null {
  const extensions = new Map<string, string>()
  for (const part of parts) {
    const m = EXTENSION.exec(part)
    if (!m) return null
    extensions.set(m[1], m[2])
  }
  return extensions
}

/** `n,[a=authzid],[m=...,]n=saslname,r=nonce[,ext=value...]` */
export function parseClientFirst(text: string): ClientFirstMessage | null {
  const parts = text.split(',')
  // gs2-cbind-flag: Kafka accepts only "n" (client does not support channel binding)
  if (parts.length < 4 || parts[0] !== 'n') return null
  let authzid = ''
  if (parts[1] !== '') {
    if (!parts[1].startsWith('a=')) return null
    const decoded = decodeSaslName(parts[1].slice(2))
    if (decoded === null) return null
    authzid = decoded
  }
  const bareParts = parts.slice(2)
  // RFC 5802: a mandatory extension (m=) the server does not know must fail the exchange
  if (!bareParts[0].startsWith('n=') || !bareParts[1].startsWith('r=')) return null
  const username = decodeSaslName(bareParts[0].slice(2))
  const nonce = bareParts[1].slice(2)
  if (username === null || !NONCE.test(nonce)) return null
  const extensions = parseExtensions(bareParts.slice(2))
  if (extensions === null) return null
  return {
    gs2Header: `${parts[0]},${parts[1]},`,
    authzid,
    username,
    nonce,
    extensions,
    bare: bareParts.join(','),
  }
}

/** `c=base64,r=nonce[,ext=value...],p=base64` */
export function parseClientFinal(text: string): ClientFinalMessage | null {
  const parts = text.split(',')
  if (parts.length < 3) return null
  const [channel, nonceAttr] = parts
  const proofAttr = parts[parts.length - 1]
  if (!channel.startsWith('c=') || !nonceAttr.startsWith('r=') || !proofAttr.startsWith('p=')) return null
  const channelBase64 = channel.slice(2)
  const nonce = nonceAttr.slice(2)
  const proofBase64 = proofAttr.slice(2)
  if (!BASE64.test(channelBase64) || !NONCE.test(nonce) || proofBase64 === '' || !BASE64.test(proofBase64)) {
    return null
  }
  if (parseExtensions(parts.slice(2, -1)) === null) return null
  return {
    channelBinding: Buffer.from(channelBase64, 'base64'),
    nonce,
    proof: Buffer.from(proofBase64, 'base64'),
    withoutProof: text.slice(0, text.length - proofAttr.length - 1),
  }
}

export function formatServerFirst(nonce: string, salt: Buffer, iterations: number): string {
  return `r=${nonce},s=${salt.toString('base64')},i=${iterations}`
}

export function formatServerFinal(signature: Buffer): string {
  return `v=${signature.toString('base64')}`
}
