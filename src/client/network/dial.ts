import { connect as netConnect, type Socket } from 'node:net'
import { type TLSSocket, connect as tlsConnect } from 'node:tls'
import { AuthenticationError, ConnectionError } from '../errors.js'
import { type BrokerAddress, formatAddress } from './broker-address.js'

/** TLS settings for connections: Node's own names (`ca`, `cert`, `key`, `servername`, ...). */
export interface SslOptions {
  /** Trusted CA certificates (PEM); default Node's bundled roots. */
  ca?: string | Buffer | readonly (string | Buffer)[]
  /** Client certificate chain (PEM), for brokers that require one (mutual TLS). */
  cert?: string | Buffer
  /** Private key of `cert` (PEM). */
  key?: string | Buffer
  passphrase?: string
  /** Default true: the broker's certificate must be valid for its host name. */
  rejectUnauthorized?: boolean
  /** Host name to verify and to send as SNI; default the host dialed (not sent for IP addresses). */
  servername?: string
  minVersion?: 'TLSv1.2' | 'TLSv1.3'
}

/**
 * Opens the byte stream to one broker. The default dials TCP or TLS; tests
 * (and applications with unusual transports) may supply their own, which
 * must resolve with a connected stream or reject.
 */
export type SocketFactory = (
  address: BrokerAddress,
  options: { readonly ssl: SslOptions | undefined; readonly signal: AbortSignal },
) => Promise<Socket | TLSSocket>

const isIp = (host: string) => /^[\d.]+$/.test(host) || host.includes(':')

/**
 * OpenSSL's verdicts on a certificate (and Node's own for a host name that
 * does not match). The same certificate fails the same way every time, so
 * these end the attempt like a wrong password rather than being retried.
 */
const CERTIFICATE_FAILURE =
  /CERT|SELF_SIGNED|UNABLE_TO_(GET_ISSUER|VERIFY)|ERR_TLS_CERT_ALTNAME_INVALID|ERR_SSL_/

export function tlsFailure(error: unknown, label: string): AuthenticationError | undefined {
  const code = (error as { code?: unknown }).code
  if (typeof code !== 'string' || !CERTIFICATE_FAILURE.test(code)) return undefined
  return new AuthenticationError(`TLS handshake failed: ${(error as Error).message.trim()} (${code})`, label)
}

/** Dials TCP, or TLS when `ssl` is set; resolves when the socket (and the TLS handshake) is ready. */
export const defaultSocketFactory: SocketFactory = (address, { ssl, signal }) =>
  new Promise((resolve, reject) => {
    const label = formatAddress(address)
    let socket: Socket | TLSSocket
    try {
      socket = ssl
        ? tlsConnect({
            host: address.host,
            port: address.port,
            ...ssl,
            ca: ssl.ca as string | Buffer | (string | Buffer)[] | undefined,
            servername: ssl.servername ?? (isIp(address.host) ? undefined : address.host),
          })
        : netConnect({ host: address.host, port: address.port })
    } catch (error) {
      // Node throws at once (a RangeError) for a port out of range, which a
      // damaged Metadata or DescribeCluster answer can name: a connection
      // error like any other, not a crash of the caller's own kind
      reject(new ConnectionError(`cannot connect: ${(error as Error).message}`, label, { cause: error }))
      return
    }
    const fail = (error: unknown) => {
      cleanup()
      socket.destroy()
      if (error instanceof ConnectionError) return reject(error)
      reject(
        (ssl && tlsFailure(error, label)) ??
          new ConnectionError(`cannot connect: ${(error as Error).message}`, label, { cause: error }),
      )
    }
    const onAbort = () => fail(signal.reason ?? new Error('aborted'))
    const ready = () => {
      cleanup()
      socket.setNoDelay(true)
      socket.setKeepAlive(true)
      resolve(socket)
    }
    const cleanup = () => {
      socket.off('error', fail)
      socket.off(ssl ? 'secureConnect' : 'connect', ready)
      signal.removeEventListener('abort', onAbort)
    }
    socket.once('error', fail)
    socket.once(ssl ? 'secureConnect' : 'connect', ready)
    if (signal.aborted) onAbort()
    else signal.addEventListener('abort', onAbort, { once: true })
  })
