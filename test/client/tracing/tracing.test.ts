import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { TraceState, W3CTraceContextPropagator } from '@opentelemetry/core'
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type RunningBroker, startBroker } from '../../../src/broker/index.js'
import type { ConsumerMessage } from '../../../src/client/consumer/consumer-message.js'
import { tracedBatchHandler, tracedHandler } from '../../../src/client/tracing/consumer-tracing.js'
import { setOtelApiForTesting } from '../../../src/client/tracing/otel-api.js'
import { activeSendTracer } from '../../../src/client/tracing/producer-tracing.js'
import type { Producer } from '../../../src/index.js'
import { until } from '../consumer/consumer-scenarios.js'
import { ClientHarness } from '../support/client-for.js'

const header = (m: ConsumerMessage, name: string) => m.headers.find(([n]) => n === name)?.[1]?.toString()

describe('OpenTelemetry tracing of produce and consume', () => {
  let broker: RunningBroker
  const clients = new ClientHarness()
  let producer: Producer
  const exporter = new InMemorySpanExporter()
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] })
  const tracer = provider.getTracer('test')

  const register = () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
    trace.setGlobalTracerProvider(provider)
  }
  // test files share a process: leave no global behind
  const unregister = () => {
    trace.disable()
    context.disable()
    propagation.disable()
  }

  beforeAll(async () => {
    broker = await startBroker({ port: 0, logger: 'silent', groupInitialRebalanceDelayMs: 0 })
    producer = clients.producer({ brokers: broker.bootstrap, clientId: 'tracing-producer' }, { lingerMs: 1 })
  })
  afterEach(() => {
    unregister()
    exporter.reset()
  })
  afterAll(async () => {
    unregister()
    await clients.closeAll()
    await broker.close()
    await provider.shutdown()
  })

  /** Runs a group consumer on `topic` until `count` handler calls are done; returns the messages it saw. */
  async function consume(topic: string, count: number, handle: (m: ConsumerMessage) => unknown = () => {}) {
    const seen: ConsumerMessage[] = []
    const consumer = clients.consumer(
      { brokers: broker.bootstrap, clientId: 'tracing-consumer' },
      { groupId: `g-${topic}`, topics: [topic], fromBeginning: true, retryBackoffMs: 1, attempts: 2 },
    )
    const running = consumer.run(async (m) => {
      seen.push(m)
      await handle(m)
    })
    await until(`${count} handler calls`, () => seen.length >= count)
    await consumer.close()
    await running
    return seen
  }

  const spansNamed = (name: string): ReadableSpan[] =>
    exporter.getFinishedSpans().filter((s) => s.name === name)

  it('a send span per record, a process span parented to it through the traceparent header', async () => {
    register()
    const topic = 'traced'
    await tracer.startActiveSpan('request', async (request) => {
      await producer.send({ topic, key: 'k1', value: 'v1' })
      request.end()
    })
    const [message] = await consume(topic, 1, () => {
      // the handler runs with the process span active
      tracer.startSpan('work').end()
    })

    const request = spansNamed('request')[0]
    const [send] = spansNamed(`send ${topic}`)
    expect(send.kind).toBe(SpanKind.PRODUCER)
    expect(send.parentSpanContext?.spanId).toBe(request.spanContext().spanId)
    expect(send.attributes).toEqual({
      'messaging.system': 'kafka',
      'messaging.operation.type': 'send',
      'messaging.operation.name': 'send',
      'messaging.destination.name': topic,
      'messaging.destination.partition.id': '0',
      'messaging.kafka.offset': 0,
      'messaging.kafka.message.key': 'k1',
      'messaging.client.id': 'tracing-producer',
    })
    const { traceId, spanId, traceFlags } = send.spanContext()
    expect(header(message, 'traceparent')).toBe(`00-${traceId}-${spanId}-0${traceFlags}`)

    const [process] = spansNamed(`process ${topic}`)
    expect(process.kind).toBe(SpanKind.CONSUMER)
    expect(process.spanContext().traceId).toBe(traceId)
    expect(process.parentSpanContext?.spanId).toBe(spanId)
    expect(process.links.map((l) => l.context.spanId)).toEqual([spanId])
    expect(process.attributes).toEqual({
      'messaging.system': 'kafka',
      'messaging.operation.type': 'process',
      'messaging.operation.name': 'process',
      'messaging.destination.name': topic,
      'messaging.destination.partition.id': '0',
      'messaging.kafka.offset': 0,
      'messaging.kafka.message.key': 'k1',
      'messaging.consumer.group.name': `g-${topic}`,
      'messaging.client.id': 'tracing-consumer',
    })
    expect(process.status.code).not.toBe(SpanStatusCode.ERROR)
    const [work] = spansNamed('work')
    expect(work.parentSpanContext?.spanId).toBe(process.spanContext().spanId)
  })

  it('uses the propagator the application registered (here W3C with a tracestate)', async () => {
    register()
    propagation.setGlobalPropagator(new W3CTraceContextPropagator())
    const topic = 'traced-propagator'
    const parent = trace.setSpanContext(context.active(), {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: 1,
      traceState: new TraceState('vendor=value'),
      isRemote: true,
    })
    await context.with(parent, () => producer.send({ topic, value: 'v' }))
    const [message] = await consume(topic, 1)
    const [send] = spansNamed(`send ${topic}`)
    expect(send.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c')
    expect(header(message, 'traceparent')).toBe(
      `00-0af7651916cd43dd8448eb211c80319c-${send.spanContext().spanId}-01`,
    )
    expect(header(message, 'tracestate')).toBe('vendor=value')
    const [process] = spansNamed(`process ${topic}`)
    expect(process.parentSpanContext?.spanId).toBe(send.spanContext().spanId)
    expect(process.parentSpanContext?.traceState?.get('vendor')).toBe('value')
  })

  it('a failed attempt is a process span with an error status, its retry another one', async () => {
    register()
    const topic = 'traced-failing'
    await producer.send({ topic, value: 'fails once' })
    let calls = 0
    await consume(topic, 2, () => {
      if (++calls === 1) throw new TypeError('first attempt fails')
    })
    const [send] = spansNamed(`send ${topic}`)
    const processes = spansNamed(`process ${topic}`)
    expect(processes).toHaveLength(2)
    const [failed, retried] = processes
    expect(failed.status).toEqual({ code: SpanStatusCode.ERROR, message: 'first attempt fails' })
    expect(failed.attributes['error.type']).toBe('TypeError')
    expect(failed.events.map((e) => e.name)).toEqual(['exception'])
    expect(retried.status.code).not.toBe(SpanStatusCode.ERROR)
    for (const p of processes) expect(p.parentSpanContext?.spanId).toBe(send.spanContext().spanId)
  })

  it('a send that fails ends its span with the error', async () => {
    register()
    await expect(producer.send({ topic: 'traced', value: 'x', partition: 5 })).rejects.toThrow(/partition/)
    const [send] = spansNamed('send traced')
    expect(send.status.code).toBe(SpanStatusCode.ERROR)
    expect(send.attributes['error.type']).toBe('InvalidArgumentError')
  })

  it('a batch handler gets one span linked to the producers of its records', async () => {
    register()
    const batch = {
      topic: 'b',
      partition: 2,
      highWatermark: 2n,
      messages: [] as ConsumerMessage[],
    }
    const senders = [tracer.startSpan('p1'), tracer.startSpan('p2')]
    for (const [i, s] of senders.entries()) {
      const { traceId, spanId } = s.spanContext()
      batch.messages.push({
        topic: 'b',
        partition: 2,
        offset: BigInt(i),
        timestamp: 0,
        key: null,
        value: 'v',
        headers: [['traceparent', Buffer.from(`00-${traceId}-${spanId}-01`)]],
        leaderEpoch: 0,
        attempt: 1,
      })
      s.end()
    }
    await tracedBatchHandler(async () => {}, { groupId: 'g', clientId: 'c' })(batch)
    const [span] = spansNamed('process b')
    expect(span.attributes['messaging.batch.message_count']).toBe(2)
    expect(span.links.map((l) => l.context.spanId)).toEqual(senders.map((s) => s.spanContext().spanId))
  })

  it('without a registered tracer provider nothing is made: no span, no header', async () => {
    expect(activeSendTracer()).toBeUndefined()
    const topic = 'untraced'
    await producer.send({ topic, key: 'k', value: 'v' })
    const [message] = await consume(topic, 1)
    expect(message.headers).toEqual([])
    // even with one registered now, there was nothing to record
    register()
    expect(exporter.getFinishedSpans()).toEqual([])
    expect(activeSendTracer()).toBeDefined()
  })

  it('without @opentelemetry/api installed the handler is passed through untouched', () => {
    setOtelApiForTesting(null)
    try {
      register()
      const handler = () => {}
      expect(tracedHandler(handler, { groupId: undefined, clientId: 'c' })).toBe(handler)
      expect(activeSendTracer()).toBeUndefined()
    } finally {
      setOtelApiForTesting(undefined)
    }
  })
})
