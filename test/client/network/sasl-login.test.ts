import { describe, expect, it } from 'vitest'
import { AuthenticationError } from '../../../src/client/errors.js'
import { ApiVersionTable } from '../../../src/client/network/api-version-table.js'
import { BrokerConnection } from '../../../src/client/network/broker-connection.js'
import { saslLogin } from '../../../src/client/network/sasl/sasl-login.js'
import { ErrorCode } from '../../../src/protocol/error-codes.js'
import { Apis } from '../../../src/protocol/messages/index.js'
import { ScriptedSocket } from '../support/scripted-socket.js'

const tick = () => new Promise((resolve) => setImmediate(resolve))

function connection() {
  const socket = new ScriptedSocket()
  const c = new BrokerConnection(socket, {
    address: 'b:9092',
    clientId: 't',
    maxInFlight: 5,
    maxResponseBytes: 1 << 20,
    requestTimeoutMs: 1000,
  })
  c.versions = new ApiVersionTable(
    [
      { apiKey: Apis.SaslHandshake.key, minVersion: 1, maxVersion: 1 },
      { apiKey: Apis.SaslAuthenticate.key, minVersion: 0, maxVersion: 2 },
    ],
    'b:9092',
  )
  return { socket, c }
}

describe('saslLogin', () => {
  it('names the mechanisms the broker enables when ours is not one of them', async () => {
    const { socket, c } = connection()
    const login = saslLogin(c, { mechanism: 'SCRAM-SHA-512', username: 'u', password: 'p' })
    await tick()
    socket.answer(Apis.SaslHandshake, 1, socket.requests()[0].correlationId, {
      errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM,
      mechanisms: ['PLAIN', 'SCRAM-SHA-256'],
    })
    const error = await login.catch((e) => e)
    expect(error).toBeInstanceOf(AuthenticationError)
    expect(error.message).toBe(
      'b:9092: the broker does not enable SCRAM-SHA-512 (it enables: PLAIN, SCRAM-SHA-256)',
    )
  })

  it('reports the broker’s own message for a refused login, and the session lifetime of an accepted one', async () => {
    const refused = connection()
    const failing = saslLogin(refused.c, { mechanism: 'PLAIN', username: 'u', password: 'p' })
    await tick()
    refused.socket.answer(Apis.SaslHandshake, 1, refused.socket.requests()[0].correlationId, {
      mechanisms: ['PLAIN'],
    })
    await tick()
    refused.socket.answer(Apis.SaslAuthenticate, 2, refused.socket.requests()[1].correlationId, {
      errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED,
      errorMessage: 'Authentication failed: Invalid username or password',
      authBytes: Buffer.alloc(0),
    })
    await expect(failing).rejects.toThrow(
      'b:9092: PLAIN login as u failed: Authentication failed: Invalid username or password',
    )

    const accepted = connection()
    const ok = saslLogin(accepted.c, { mechanism: 'PLAIN', username: 'u', password: 'p' })
    await tick()
    accepted.socket.answer(Apis.SaslHandshake, 1, accepted.socket.requests()[0].correlationId, {
      mechanisms: ['PLAIN'],
    })
    await tick()
    accepted.socket.answer(Apis.SaslAuthenticate, 2, accepted.socket.requests()[1].correlationId, {
      authBytes: Buffer.alloc(0),
      sessionLifetimeMs: 3_600_000n,
    })
    expect(await ok).toBe(3_600_000)
  })
})
