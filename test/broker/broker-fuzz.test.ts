import { connect } from 'node:net'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningBroker, startBroker } from '../../src/broker/index.js'
import { allApis } from '../../src/protocol/messages/index.js'
import { mutatedArbitrary } from '../protocol/malformed/mutation.js'
import { versionsOf } from '../protocol/support/message-arbitrary.js'
import { frameArbitrary, withSize } from '../support/frame-fuzz.js'
import { WireClient } from './support/wire-client.js'

/** Opens a connection, writes the bytes, and gives the broker a moment before hanging up. */
function throwAt(bootstrap: string, bytes: Buffer): Promise<void> {
  const [host, port] = bootstrap.split(':')
  return new Promise((resolve) => {
    const socket = connect({ host, port: Number(port) }, () => {
      socket.write(bytes)
      setTimeout(() => socket.destroy(), 5)
    })
    socket.on('error', () => {})
    socket.on('close', () => resolve())
  })
}

describe('embedded broker under random and mutated frames', () => {
  let broker: RunningBroker
  let healthy: WireClient

  beforeAll(async () => {
    broker = await startBroker({
      port: 0,
      logger: process.env.FUZZ_LOG ? 'warn' : 'silent',
      autoCreateTopics: false,
      maxRequestBytes: 1 << 20,
    })
    healthy = await WireClient.connect(broker.bootstrap)
  })
  afterAll(async () => {
    await healthy.close()
    await broker.close()
  })

  for (const api of allApis) {
    it(`survives mutated ${api.name} frames and keeps serving others`, async () => {
      const versions = versionsOf(api.request)
      const mutated = fc.constantFrom(...versions).chain((v) => mutatedArbitrary(frameArbitrary(api, v)))
      await fc.assert(
        fc.asyncProperty(mutated, async ({ bytes }) => {
          await throwAt(broker.bootstrap, withSize(bytes))
        }),
        { numRuns: 25 },
      )
      // well-formed requests with random field values exercise the handlers themselves
      const valid = fc.constantFrom(...versions).chain((v) => frameArbitrary(api, v))
      await fc.assert(
        fc.asyncProperty(valid, async (bytes) => {
          await throwAt(broker.bootstrap, withSize(bytes))
        }),
        { numRuns: 10 },
      )
      // random bytes behind a valid size prefix
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ minLength: 8, maxLength: 200 }), async (bytes) => {
          await throwAt(broker.bootstrap, withSize(Buffer.from(bytes)))
        }),
        { numRuns: 10 },
      )
      const reply = await healthy.send(allApis.find((a) => a.name === 'ApiVersions')!, 3, {
        clientSoftwareName: 'healthy',
        clientSoftwareVersion: '1',
      })
      expect(reply.errorCode).toBe(0)
    })
  }

  it('still answers metadata after the storm', async () => {
    const meta = await healthy.send(allApis.find((a) => a.name === 'Metadata')!, 12, { topics: null })
    expect(meta.brokers).toHaveLength(1)
    expect(healthy.closed).toBe(false)
  })
})
