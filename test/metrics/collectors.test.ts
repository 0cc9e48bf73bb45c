import { Counter, Registry } from 'prom-client'
import { describe, expect, it } from 'vitest'
import type { ProducerMetrics } from '../../src/client/producer/producer-metrics.js'
import { collectProducerMetrics, serveMetrics } from '../../src/metrics/index.js'
import { parseExposition, sampleValue, series } from './exposition.js'

/** A producer as the collector sees it, with counters the test moves. */
function fakeProducer(sent = 0) {
  const state = { sent, peeks: 0 }
  const source = {
    state,
    peekMetrics: () => {
      state.peeks++
      return { recordsSent: state.sent, bufferBytesTotal: 100 } as unknown as ProducerMetrics
    },
  }
  return source
}

describe('collectors', () => {
  it('reads each source once per scrape, at the scrape', async () => {
    const registry = new Registry()
    const p = fakeProducer(5)
    collectProducerMetrics(p, { registry })
    expect(p.state.peeks).toBe(0)
    expect(sampleValue(parseExposition(await registry.metrics()), 'sluice_producer_record_send_total')).toBe(
      5,
    )
    expect(p.state.peeks).toBe(1)
    p.state.sent = 9
    expect(sampleValue(parseExposition(await registry.metrics()), 'sluice_producer_record_send_total')).toBe(
      9,
    )
    expect(p.state.peeks).toBe(2)
  })

  it('tells sources on one registry apart by their labels, and stop() removes their series', async () => {
    const registry = new Registry()
    const a = collectProducerMetrics(fakeProducer(1), { registry, labels: { client: 'a' } })
    const b = collectProducerMetrics(fakeProducer(2), { registry, labels: { client: 'b' } })
    let samples = parseExposition(await registry.metrics())
    expect(sampleValue(samples, 'sluice_producer_record_send_total', { client: 'a' })).toBe(1)
    expect(sampleValue(samples, 'sluice_producer_record_send_total', { client: 'b' })).toBe(2)
    a.stop()
    samples = parseExposition(await registry.metrics())
    expect(series(samples, 'sluice_producer_record_send_total').map((s) => s.labels.client)).toEqual(['b'])
    b.stop()
    expect(await registry.metrics()).not.toContain('sluice_producer')
    // once all are gone, other label names may be used
    collectProducerMetrics(fakeProducer(3), { registry, labels: { app: 'x' } })
    expect(
      sampleValue(parseExposition(await registry.metrics()), 'sluice_producer_record_send_total', {
        app: 'x',
      }),
    ).toBe(3)
  })

  it('refuses sources it could not tell apart, and bad labels, naming the key', () => {
    const registry = new Registry()
    collectProducerMetrics(fakeProducer(), { registry })
    expect(() => collectProducerMetrics(fakeProducer(), { registry })).toThrow(/^labels: another producer/)
    expect(() => collectProducerMetrics(fakeProducer(), { registry, labels: { client: 'a' } })).toThrow(
      /^labels: every producer on one registry needs the same label names/,
    )
    const other = new Registry()
    expect(() =>
      collectProducerMetrics(fakeProducer(), { registry: other, labels: { 'bad-name': 'x' } }),
    ).toThrow(/^labels: "bad-name" is not a Prometheus label name/)
    expect(() =>
      collectProducerMetrics(fakeProducer(), { registry: other, labels: { n: 1 as unknown as string } }),
    ).toThrow(/^labels: the value of n must be a string/)
    expect(() => collectProducerMetrics({} as never, { registry: other })).toThrow(
      /^producer: must be a Producer/,
    )
  })

  it('refuses a registry that already has a series of the same name', () => {
    const registry = new Registry()
    new Counter({ name: 'sluice_producer_record_send_total', help: 'theirs', registers: [registry] })
    expect(() => collectProducerMetrics(fakeProducer(), { registry })).toThrow(
      /^registry: it already has a metric named sluice_producer_record_send_total/,
    )
  })
})

describe('serveMetrics', () => {
  it('serves the registry at /metrics on 127.0.0.1, 404 elsewhere, 405 for other methods', async () => {
    const registry = new Registry()
    collectProducerMetrics(fakeProducer(7), { registry })
    const server = await serveMetrics({ registry, port: 0 })
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/)
      const res = await fetch(server.url)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toBe(registry.contentType)
      expect(sampleValue(parseExposition(await res.text()), 'sluice_producer_record_send_total')).toBe(7)
      expect((await fetch(new URL('/other', server.url))).status).toBe(404)
      expect((await fetch(server.url, { method: 'POST' })).status).toBe(405)
    } finally {
      await server.close()
    }
    await expect(fetch(server.url)).rejects.toThrow()
  })

  it('refuses a bad port naming the key, and rejects when the port is taken', async () => {
    await expect(serveMetrics({ port: 70000 })).rejects.toThrow(/^port: must be an integer from 0 to 65535/)
    await expect(serveMetrics({ port: 0, path: 'metrics' })).rejects.toThrow(/^path: must start with \//)
    const first = await serveMetrics({ registry: new Registry(), port: 0 })
    try {
      await expect(serveMetrics({ registry: new Registry(), port: first.port })).rejects.toThrow(/EADDRINUSE/)
    } finally {
      await first.close()
    }
  })
})
