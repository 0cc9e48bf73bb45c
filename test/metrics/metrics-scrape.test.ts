import { Registry } from 'prom-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningBroker, startBroker } from '../../src/broker/index.js'
import type { Consumer, Producer } from '../../src/index.js'
import {
  collectBrokerMetrics,
  collectConsumerMetrics,
  collectProducerMetrics,
  type MetricsCollection,
} from '../../src/metrics/index.js'
import { until } from '../client/consumer/consumer-scenarios.js'
import { ClientHarness } from '../client/support/client-for.js'
import { parseExposition, type Sample, sampleValue, series } from './exposition.js'

const RECORDS = 300
const TOPIC = 'scraped'

describe('Prometheus metrics of producer, consumer and broker', () => {
  let broker: RunningBroker
  const clients = new ClientHarness()
  let producer: Producer
  let consumer: Consumer
  let running: Promise<void>
  const registry = new Registry()
  const collections: MetricsCollection[] = []
  let processed = 0
  let samples: Sample[]

  beforeAll(async () => {
    broker = await startBroker({ port: 0, logger: 'silent', groupInitialRebalanceDelayMs: 0 })
    await clients.admin({ brokers: broker.bootstrap }).createTopics([{ topic: TOPIC, partitions: 3 }])
    producer = clients.producer({ brokers: broker.bootstrap }, { lingerMs: 2, bufferBytes: 4 << 20 })
    consumer = clients.consumer(
      { brokers: broker.bootstrap },
      { groupId: 'scrapers', topics: [TOPIC], fromBeginning: true, circuitBreaker: {} },
    )
    collections.push(
      collectProducerMetrics(producer, { registry }),
      collectConsumerMetrics(consumer, { registry }),
      collectBrokerMetrics(broker, { registry }),
    )
    running = consumer.run(() => {
      processed++
    })
    await producer.send({
      topic: TOPIC,
      messages: Array.from({ length: RECORDS }, (_, i) => ({ key: `k${i % 17}`, value: `v${i}` })),
    })
    await until('every record processed', () => processed === RECORDS)
    // the commit of the last records, so that lag reads 0
    await until('the lag committed away', () =>
      consumer.metrics().partitions.every((p) => p.committed === p.highWatermark),
    )
    samples = parseExposition(await registry.metrics())
  }, 30_000)

  afterAll(async () => {
    for (const c of collections) c.stop()
    await clients.closeAll()
    await running
    await broker.close()
  })

  it('has the producer series, with what it sent', () => {
    expect(sampleValue(samples, 'sluice_producer_record_send_total')).toBe(RECORDS)
    expect(sampleValue(samples, 'sluice_producer_buffer_total_bytes')).toBe(4 << 20)
    const available = sampleValue(samples, 'sluice_producer_buffer_available_bytes')
    expect(available).toBeGreaterThan(0)
    expect(available).toBeLessThanOrEqual(4 << 20)
    expect(sampleValue(samples, 'sluice_producer_request_total')).toBeGreaterThanOrEqual(1)
    expect(sampleValue(samples, 'sluice_producer_byte_total')).toBeGreaterThan(RECORDS * 4)
    expect(sampleValue(samples, 'sluice_producer_batch_retry_total')).toBe(0)
    expect(sampleValue(samples, 'sluice_producer_batch_error_total')).toBe(0)
    expect(sampleValue(samples, 'sluice_producer_request_latency_avg_ms')).toBeGreaterThan(0)
    expect(sampleValue(samples, 'sluice_producer_batches_in_flight')).toBe(0)
  })

  it('has the consumer series: lag per partition, buffer, processing, commits, rebalances, breaker', () => {
    const lag = series(samples, 'sluice_consumer_records_lag', { topic: TOPIC })
    expect(lag.map((s) => s.labels.partition).sort()).toEqual(['0', '1', '2'])
    expect(lag.every((s) => s.value === 0)).toBe(true)
    expect(sampleValue(samples, 'sluice_consumer_records_lag_sum')).toBe(0)
    const positions = series(samples, 'sluice_consumer_position', { topic: TOPIC })
    expect(positions.reduce((n, s) => n + s.value, 0)).toBe(RECORDS)
    expect(sampleValue(samples, 'sluice_consumer_records_consumed_total')).toBe(RECORDS)
    expect(sampleValue(samples, 'sluice_consumer_assigned_partitions')).toBe(3)
    expect(sampleValue(samples, 'sluice_consumer_paused_partitions')).toBe(0)
    expect(sampleValue(samples, 'sluice_consumer_buffered_bytes')).toBe(0)
    expect(sampleValue(samples, 'sluice_consumer_buffer_max_bytes')).toBe(consumer.options.maxBufferedBytes)
    expect(sampleValue(samples, 'sluice_consumer_commit_total')).toBeGreaterThanOrEqual(1)
    expect(sampleValue(samples, 'sluice_consumer_rebalance_total')).toBeGreaterThanOrEqual(1)
    expect(sampleValue(samples, 'sluice_consumer_breaker_state', { state: 'closed' })).toBe(1)
    expect(sampleValue(samples, 'sluice_consumer_breaker_state', { state: 'open' })).toBe(0)
  })

  it('has the broker series: requests per API, bytes, connections, appends, offsets', () => {
    expect(sampleValue(samples, 'sluice_broker_requests_total', { api: 'Produce' })).toBeGreaterThanOrEqual(1)
    expect(sampleValue(samples, 'sluice_broker_requests_total', { api: 'Fetch' })).toBeGreaterThanOrEqual(1)
    expect(
      sampleValue(samples, 'sluice_broker_requests_total', { api: 'OffsetCommit' }),
    ).toBeGreaterThanOrEqual(1)
    expect(sampleValue(samples, 'sluice_broker_request_errors_total')).toBe(0)
    expect(sampleValue(samples, 'sluice_broker_messages_in_total')).toBe(RECORDS)
    const bytesIn = sampleValue(samples, 'sluice_broker_bytes_in_total')
    expect(sampleValue(samples, 'sluice_broker_network_incoming_byte_total')).toBeGreaterThan(bytesIn)
    expect(sampleValue(samples, 'sluice_broker_bytes_out_total')).toBeGreaterThanOrEqual(bytesIn)
    expect(sampleValue(samples, 'sluice_broker_network_outgoing_byte_total')).toBeGreaterThan(0)
    // admin, producer, consumer (bootstrap, coordinator and leader connections)
    expect(sampleValue(samples, 'sluice_broker_connections')).toBeGreaterThanOrEqual(3)
    const ends = series(samples, 'sluice_broker_log_end_offset', { topic: TOPIC })
    expect(ends).toHaveLength(3)
    expect(ends.reduce((n, s) => n + s.value, 0)).toBe(RECORDS)
    expect(sampleValue(samples, 'sluice_broker_memory_held_bytes')).toBeGreaterThan(0)
    expect(sampleValue(samples, 'sluice_broker_memory_budget_bytes')).toBe(broker.memory.budgetBytes)
  })

  it("a scrape leaves the producer's own rate window alone", async () => {
    producer.metrics()
    await producer.send({ topic: TOPIC, value: 'one more' })
    await registry.metrics()
    // had the scrape started a new window, this one would have seen no record
    expect(producer.metrics().recordsPerSecond).toBeGreaterThan(0)
    const after = parseExposition(await registry.metrics())
    expect(sampleValue(after, 'sluice_producer_record_send_total')).toBe(RECORDS + 1)
  })
})
