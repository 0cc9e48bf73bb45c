import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

// These import the built package through its own name and export map, as a
// user would (`npm install` builds dist/ through the prepare script).
describe('package entry points', () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))

  it('sluice exports typed Kafka errors and the version', async () => {
    const sluice = await import('sluice')
    expect(sluice.VERSION).toBe(pkg.version)
    expect(new sluice.KafkaError(3).retriable).toBe(true)
  })

  it('sluice/broker starts a broker', async () => {
    const { startBroker } = await import('sluice/broker')
    const broker = await startBroker({ port: 0, logger: 'silent' })
    expect(broker.bootstrap).toMatch(/^127\.0\.0\.1:\d+$/)
    await broker.close()
  })

  it('sluice/protocol and sluice/flow resolve', async () => {
    const protocol = await import('sluice/protocol')
    expect(protocol.Apis.Produce.key).toBe(0)
    const flow = await import('sluice/flow')
    const channel = new flow.Channel<number>({ capacity: 2 })
    expect(channel.trySend(1)).toBe(true)
    expect(await channel.receive()).toBe(1)
    // `sluice` re-exports the same primitives
    const sluice = await import('sluice')
    expect(sluice.Channel).toBe(flow.Channel)
  })

  it('sluice/metrics serves a registry', async () => {
    const metrics = await import('sluice/metrics')
    const registry = new metrics.Registry()
    const server = await metrics.serveMetrics({ registry, port: 0 })
    expect((await fetch(server.url)).status).toBe(200)
    await server.close()
  })

  it('the sluice bin prints its version', () => {
    const out = execFileSync(process.execPath, [
      new URL(`../${pkg.bin.sluice}`, import.meta.url).pathname,
      '--version',
    ])
    expect(out.toString().trim()).toBe(pkg.version)
  })
})
