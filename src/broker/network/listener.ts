import { createServer as createTcpServer, isIP, type Server, type Socket } from 'node:net'
import { createServer as createTlsServer, type TLSSocket } from 'node:tls'
import type { ResolvedTls } from '../auth/tls-settings.js'
import { systemClock } from '../clock.js'
import type { Logger } from '../logger.js'
import type { ConnectionAdmission } from './admission.js'
import { RateLimitedLog } from './rate-limited-log.js'

export interface ListenerOptions {
  /** The address the listener will bind, for the exposure warning. */
  readonly host: string
  /** Serve TLS with these settings; plain TCP when undefined. */
  readonly tls: ResolvedTls | undefined
  /** SASL is required: connections must log in before they can read or write data. */
  readonly authenticationRequired: boolean
  /** Counts and limits connections at TCP accept, before any TLS handshake. */
  readonly admission: ConnectionAdmission
  /** Longest a TLS handshake may take (the partial-request timeout); 0 keeps Node's 120 s. */
  readonly handshakeTimeoutMs: number
  readonly logger: Logger
  /** Called with each admitted connection, after its TLS handshake when there is one. */
  readonly onConnection: (socket: Socket) => void
}

/** Whether binding `host` keeps the broker on this machine only. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host
  if (bare === 'localhost') return true
  if (isIP(bare) === 4) return bare.startsWith('127.')
  if (isIP(bare) === 6) return bare === '::1' || /^::ffff:127\./i.test(bare)
  return false
}

/**
 * The warning for a listener anyone on the network may reach with nothing
 * to stop them, or null. Mutual TLS counts as authentication: only holders
 * of a certificate the CA signed get in.
 */
export function exposureWarning(host: string, authenticated: boolean): string | null {
  if (authenticated || isLoopbackHost(host)) return null
  return (
    `listening on ${host} without authentication: anyone who can reach this port can read and write ` +
    'every topic. Set users (SASL) or tls with a ca (mutual TLS), or bind 127.0.0.1'
  )
}

/** Runs an event handler so that nothing it throws escapes into the event loop. */
function guarded(logger: Logger, what: string, socket: Socket, fn: () => void): void {
  try {
    fn()
  } catch (err) {
    logger.error(`${what} failed: ${(err as Error).message}`)
    socket.destroy()
  }
}

/**
 * Creates (does not bind) a broker listener: a plain TCP server or a TLS one,
 * with connection admission at accept, a permanent 'error' handler (EMFILE
 * on accept must not crash the process) and the exposure warning.
 */
export function createListener(options: ListenerOptions): Server {
  const { logger, admission, tls } = options
  const authenticated = options.authenticationRequired || tls?.requestCert === true
  const warning = exposureWarning(options.host, authenticated)
  if (warning) logger.warn(warning)
  logger.info(
    `listener security: ${tls ? 'TLS' : 'plain TCP'}` +
      `${options.authenticationRequired ? ', SASL login required' : ', no SASL'}` +
      `${tls?.requestCert ? ', client certificates required' : ''}`,
  )

  let server: Server
  if (tls === undefined) {
    server = createTcpServer()
    server.on('connection', (socket: Socket) =>
      guarded(logger, 'accepting a connection', socket, () => {
        if (admission.admit(socket)) options.onConnection(socket)
      }),
    )
  } else {
    server = createTlsServer({
      key: tls.key,
      cert: tls.cert,
      ca: tls.ca,
      requestCert: tls.requestCert,
      rejectUnauthorized: tls.requestCert,
      ...(options.handshakeTimeoutMs > 0 ? { handshakeTimeout: options.handshakeTimeoutMs } : {}),
    })
    // the raw TCP socket, before the handshake: refused ones never cost a TLS handshake
    server.on('connection', (socket: Socket) =>
      guarded(logger, 'accepting a connection', socket, () => {
        admission.admit(socket)
      }),
    )
    server.on('secureConnection', (socket: TLSSocket) =>
      guarded(logger, 'accepting a TLS connection', socket, () => {
        if (!socket.destroyed) options.onConnection(socket)
      }),
    )
    const handshakeFailures = new RateLimitedLog(logger, systemClock, 'info')
    server.on('tlsClientError', (err: NodeJS.ErrnoException, socket: TLSSocket) => {
      const from = socket.remoteAddress ? ` from ${socket.remoteAddress}:${socket.remotePort}` : ''
      if (socket.authorizationError) {
        handshakeFailures.log(`refused a client certificate${from}: ${socket.authorizationError}`)
      } else if (err.code === 'ECONNRESET') {
        // gone before the handshake ended: a port check, a client that gave up, or one admission refused
        logger.debug(`TLS connection${from} closed before its handshake finished`)
      } else {
        handshakeFailures.log(`TLS handshake${from} failed: ${err.message}`)
      }
      socket.destroy()
    })
  }
  server.on('error', (err: NodeJS.ErrnoException) => {
    // before listen() succeeds the caller's own handler reports the error; afterwards (EMFILE on accept) we do
    if (server.listening) logger.error(`listener error (the broker keeps listening): ${err.message}`)
  })
  return server
}
