import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type RunningBroker, startBroker } from '../../src/broker/index.js'
import { Apis } from '../../src/protocol/messages/index.js'
import { WireClient } from './support/wire-client.js'

function waitClosed(client: WireClient): Promise<void> {
  return new Promise((resolve) => {
    if (client.socket.destroyed) return resolve()
    client.socket.once('close', () => resolve())
  })
}

describe('embedded broker: bad input closes one connection only', () => {
  let broker: RunningBroker
  let healthy: WireClient

  beforeEach(async () => {
    broker = await startBroker({ port: 0, logger: 'silent', maxRequestBytes: 64 * 1024 })
    healthy = await WireClient.connect(broker.bootstrap)
  })
  afterEach(async () => {
    await healthy.close()
    await broker.close()
  })

  const hostile: [string, Buffer][] = [
    // size 8: key 0x7fff, version 0, correlation id 1
    ['unknown API key', Buffer.from('000000087fff000000000001', 'hex')],
    // Metadata v12 whose client id claims 5 bytes and the frame ends
    ['truncated body', Buffer.from('0000000a0003000c000000010005', 'hex')],
    ['frame below the header size', Buffer.from('0000000200', 'hex')],
    ['negative frame size', Buffer.from('ffffffff', 'hex')],
    [
      'garbage after a valid prefix',
      Buffer.concat([Buffer.from('000000200003000c00000001', 'hex'), Buffer.alloc(28, 0xff)]),
    ],
  ]

  for (const [name, bytes] of hostile) {
    it(`closes on ${name} and keeps serving others`, async () => {
      const bad = await WireClient.connect(broker.bootstrap)
      bad.writeRaw(bytes)
      await waitClosed(bad)
      const meta = await healthy.send(Apis.Metadata, 12, { topics: null })
      expect(meta.brokers).toHaveLength(1)
    })
  }

  it('refuses an oversized frame as soon as its size arrives, without buffering it', async () => {
    const bad = await WireClient.connect(broker.bootstrap)
    const size = Buffer.alloc(4)
    size.writeInt32BE(10 * 1024 * 1024)
    bad.writeRaw(size) // announce 10 MiB against a 64 KiB limit, send no body
    await waitClosed(bad)
    expect(
      (await healthy.send(Apis.ApiVersions, 3, { clientSoftwareName: 'x', clientSoftwareVersion: '1' }))
        .errorCode,
    ).toBe(0)
  })

  it('closes a connection that asks for a version outside the advertised range', async () => {
    const bad = await WireClient.connect(broker.bootstrap)
    // Metadata v13 header prefix followed by a plausible flexible body
    bad.writeRaw(Buffer.from('0000000d0003000d00000001ffff000100', 'hex'))
    await waitClosed(bad)
    expect((await healthy.send(Apis.Metadata, 12, { topics: null })).brokers).toHaveLength(1)
  })
})

describe('embedded broker: bytes after a request body', () => {
  it('are ignored as Kafka ignores them: librdkafka 2.1.0 sends an all-topics Metadata v9 with 3 extra', async () => {
    const lines: string[] = []
    const logger = { debug: (l: string) => lines.push(l), info() {}, warn() {}, error() {} }
    const broker = await startBroker({ port: 0, logger })
    const client = await WireClient.connect(broker.bootstrap)
    try {
      const { encodeRequest } = await import('../../src/protocol/frames.js')
      const plain = encodeRequest(
        Apis.Metadata,
        9,
        { correlationId: 4242, clientId: 'rdkafka' },
        {
          topics: null,
          allowAutoTopicCreation: false,
        },
      )
      const padded = Buffer.concat([plain, Buffer.alloc(3)])
      padded.writeInt32BE(padded.length - 4, 0)
      const answer = new Promise<Buffer>((resolve) => client.socket.once('data', resolve))
      client.writeRaw(padded)
      // size, then the correlation id of the answer
      expect((await answer).readInt32BE(4)).toBe(4242)
      // the connection carries on
      const next = await client.send(Apis.Metadata, 12, { topics: [] })
      expect(next.brokers).toHaveLength(1)
      expect(client.closed).toBe(false)
      expect(lines.some((l) => l.includes('ignoring 3 bytes after the Metadata v9 request body'))).toBe(true)
    } finally {
      await client.close()
      await broker.close()
    }
  })
})
