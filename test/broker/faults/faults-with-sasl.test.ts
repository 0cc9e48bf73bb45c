import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningBroker, startBroker } from '../../../src/broker/index.js'
import { ErrorCode } from '../../../src/protocol/error-codes.js'
import { Apis } from '../../../src/protocol/messages/index.js'
import { saslLogin } from '../support/sasl-client.js'
import { WireClient } from '../support/wire-client.js'

/**
 * Injected faults never open a door authentication keeps shut: a request a
 * connection may not send before logging in still closes that connection,
 * even while a fault is armed for its API.
 */
describe('fault injection on a broker with authentication', () => {
  let broker: RunningBroker

  beforeAll(async () => {
    broker = await startBroker({
      port: 0,
      logger: 'silent',
      faultInjection: true,
      users: [{ name: 'alice', password: 'alice-secret', mechanism: 'PLAIN' }],
      failedAuthenticationDelayMs: 0,
    })
  })
  afterAll(async () => {
    broker.faults.clear()
    await broker.close()
  })

  it('closes an unauthenticated Metadata request instead of answering it with the injected error', async () => {
    const fault = broker.faults.failNext('Metadata', 'NOT_CONTROLLER')
    const client = await WireClient.connect(broker.bootstrap)
    await expect(client.send(Apis.Metadata, 12, { topics: null })).rejects.toThrow(/closed/)
    expect(fault.fired).toBe(0)
    await client.close()
  })

  it('applies the armed fault once the connection has logged in', async () => {
    const client = await WireClient.connect(broker.bootstrap)
    await saslLogin(client, 'PLAIN', 'alice', 'alice-secret')
    const r = await client.send(Apis.Metadata, 12, {
      topics: [{ name: 'faulted', topicId: '00000000-0000-0000-0000-000000000000' }],
    })
    expect(r.topics[0].errorCode).toBe(ErrorCode.NOT_CONTROLLER)
    await client.close()
  })
})
