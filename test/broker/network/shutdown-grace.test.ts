import { connect } from 'node:net'
import { describe, expect, it } from 'vitest'
import { startBroker } from '../../../src/broker/index.js'

describe('broker close with a client that never closes its side', () => {
  it('drops the connection after the shutdown grace and resolves', async () => {
    const broker = await startBroker({ port: 0, logger: 'silent' })
    // allowHalfOpen: the client keeps its side open after the broker's FIN, as a leaked socket would
    const socket = connect({ host: broker.host, port: broker.port, allowHalfOpen: true })
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject))
    socket.on('error', () => {})
    const started = Date.now()
    await broker.close()
    const took = Date.now() - started
    expect(took).toBeLessThan(15_000)
    socket.destroy()
  }, 30_000)
})
