import { ErrorCode, errorInfo } from '../../../protocol/error-codes.js'
import { Apis } from '../../../protocol/messages/index.js'
import { AuthenticationError } from '../../errors.js'
import type { BrokerConnection } from '../broker-connection.js'
import { plainExchange } from './plain-client.js'
import type { ResolvedSasl, SaslClientExchange } from './sasl-options.js'
import { scramExchange } from './scram-client.js'

function exchangeFor(sasl: ResolvedSasl): SaslClientExchange {
  switch (sasl.mechanism) {
    case 'PLAIN':
      return plainExchange(sasl.username, sasl.password)
    case 'SCRAM-SHA-256':
      return scramExchange('sha256', sasl.username, sasl.password)
    case 'SCRAM-SHA-512':
      return scramExchange('sha512', sasl.username, sasl.password)
  }
}

function codeName(code: number): string {
  return errorInfo(code)?.name ?? `error ${code}`
}

/**
 * Logs a fresh connection in: SaslHandshake v1 names the mechanism, then
 * SaslAuthenticate carries each token (KIP-152; the raw-token v0 flow is
 * gone from Kafka 4). Resolves with the session lifetime the broker set (0:
 * none), after which the broker would close the connection.
 */
export async function saslLogin(connection: BrokerConnection, sasl: ResolvedSasl): Promise<number> {
  const address = connection.address
  const handshake = await connection.request(
    Apis.SaslHandshake,
    { mechanism: sasl.mechanism },
    { version: 1 },
  )
  if (handshake.errorCode === ErrorCode.UNSUPPORTED_SASL_MECHANISM) {
    const enabled = handshake.mechanisms.join(', ') || 'none'
    throw new AuthenticationError(
      `the broker does not enable ${sasl.mechanism} (it enables: ${enabled})`,
      address,
    )
  }
  if (handshake.errorCode !== ErrorCode.NONE) {
    throw new AuthenticationError(`SaslHandshake failed: ${codeName(handshake.errorCode)}`, address)
  }
  const exchange = exchangeFor(sasl)
  let token: Buffer | null = exchange.start()
  let lifetimeMs = 0
  while (token !== null) {
    const answer = await connection.request(Apis.SaslAuthenticate, { authBytes: token })
    if (answer.errorCode !== ErrorCode.NONE) {
      const why = answer.errorMessage ?? codeName(answer.errorCode)
      throw new AuthenticationError(`${sasl.mechanism} login as ${sasl.username} failed: ${why}`, address)
    }
    lifetimeMs = Number(answer.sessionLifetimeMs)
    try {
      token = exchange.next(answer.authBytes)
    } catch (error) {
      throw new AuthenticationError(`${sasl.mechanism} login failed: ${(error as Error).message}`, address)
    }
  }
  return lifetimeMs
}
