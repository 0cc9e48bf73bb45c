import { connect } from 'node:net'
import { describe, expect, it } from 'vitest'
import { startBroker } from '../../../src/broker/index.js'

describe('broker close with a client that never closes its side', () => {
  it('drops the connection after the shutdown grace and resolves', async () => {
    const warnings: string[] = []
    const logger = { debug() {}, info() {}, warn: (line: string) => warnings.push(line), error() {} }
    const broker = await startBroker({ port: 0, logger })
    // allowHalfOpen: the client keeps its side open after the broker's FIN, as a leaked socket would
    const socket = connect({ host: broker.host, port: broker.port, allowHalfOpen: true })
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject))
    socket.on('error', () => {})
    // without the grace this never resolves (the test's timeout fails it)
    await broker.close()
    expect(warnings).toEqual([
      expect.stringMatching(/^1 connection\(s\) not closed \d+ ms into shutdown: dropped$/),
    ])
    socket.destroy()
  }, 30_000)
})
