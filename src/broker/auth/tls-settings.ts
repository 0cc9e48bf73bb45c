import { X509Certificate } from 'node:crypto'
import { createSecureContext } from 'node:tls'
import { BrokerConfigError } from '../config-error.js'

/** The `tls` broker option: PEM text or Buffers, as read from .pem files. */
export interface TlsOptions {
  /** Private key of the broker's certificate (PEM). */
  key: string | Buffer
  /** The certificate the broker presents, optionally followed by its intermediates (PEM). */
  cert: string | Buffer
  /**
   * CA certificate(s) (PEM) that client certificates must be signed by.
   * Giving it turns on mutual TLS: every client must present a certificate
   * this CA signed, or its connection is refused during the TLS handshake.
   */
  ca?: string | Buffer | readonly (string | Buffer)[]
  /**
   * Whether the broker asks clients for a certificate and refuses those
   * without a valid one (Kafka's `ssl.client.auth=required`). Default: true
   * when `ca` is given, false otherwise; true needs `ca`. Set it to false to
   * keep a CA but serve clients without certificates (`ssl.client.auth=none`).
   */
  requestCert?: boolean
}

/** TLS settings checked at construction (a secure context was built from them once, to prove they load). */
export interface ResolvedTls {
  readonly key: string | Buffer
  readonly cert: string | Buffer
  readonly ca: (string | Buffer)[] | undefined
  /** Clients must present a certificate signed by the CA. */
  readonly requestCert: boolean
}

const KEYS = new Set(['key', 'cert', 'ca', 'requestCert'])
const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g

function pem(key: string, value: unknown): string | Buffer {
  if ((typeof value !== 'string' && !Buffer.isBuffer(value)) || value.length === 0) {
    throw new BrokerConfigError(key, 'must be PEM text (a string or a Buffer)')
  }
  return value
}

/** Every certificate in a PEM bundle must parse: Node would silently skip a broken CA. */
function checkCertificates(key: string, value: string | Buffer): void {
  const blocks = value.toString('latin1').match(PEM_CERTIFICATE) ?? []
  if (blocks.length === 0)
    throw new BrokerConfigError(key, 'holds no PEM certificate (-----BEGIN CERTIFICATE-----)')
  for (const [i, block] of blocks.entries()) {
    try {
      new X509Certificate(block)
    } catch (err) {
      throw new BrokerConfigError(key, `certificate ${i + 1} does not parse: ${(err as Error).message}`)
    }
  }
}

function loads(key: string, options: Parameters<typeof createSecureContext>[0]): void {
  try {
    createSecureContext(options)
  } catch (err) {
    throw new BrokerConfigError(key, (err as Error).message)
  }
}

export function resolveTls(value: TlsOptions | undefined): ResolvedTls | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'object' || value === null)
    throw new BrokerConfigError('tls', 'must be an object { key, cert, ca?, requestCert? }')
  for (const k of Object.keys(value)) {
    if (!KEYS.has(k))
      throw new BrokerConfigError(`tls.${k}`, 'unknown key (expected key, cert, ca, requestCert)')
  }
  const cert = pem('tls.cert', value.cert)
  const key = pem('tls.key', value.key)
  checkCertificates('tls.cert', cert)
  let ca: (string | Buffer)[] | undefined
  if (value.ca !== undefined) {
    const list = Array.isArray(value.ca) ? value.ca : [value.ca]
    if (list.length === 0) throw new BrokerConfigError('tls.ca', 'must hold at least one certificate')
    ca = list.map((c, i) => pem(`tls.ca[${i}]`, c))
    for (const [i, c] of ca.entries()) checkCertificates(list.length === 1 ? 'tls.ca' : `tls.ca[${i}]`, c)
  }
  if (value.requestCert !== undefined && typeof value.requestCert !== 'boolean') {
    throw new BrokerConfigError('tls.requestCert', 'must be a boolean')
  }
  const requestCert = value.requestCert ?? ca !== undefined
  if (requestCert && ca === undefined) {
    throw new BrokerConfigError(
      'tls.requestCert',
      'needs tls.ca, the CA client certificates are checked against',
    )
  }
  loads('tls.cert', { cert })
  loads('tls.key', { key, cert, ca })
  return { key, cert, ca, requestCert }
}
