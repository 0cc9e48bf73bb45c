import { type RunningBroker, startBroker } from '../../broker/index.js'
import { type ConsumerMessage, Kafka, type KafkaOptions, type Producer } from '../../client/index.js'
import {
  collectBrokerMetrics,
  collectConsumerMetrics,
  collectProducerMetrics,
  type MetricsCollection,
  type Registry,
} from '../../metrics/index.js'
import { LiveFeed } from '../live/live-snapshot.js'
import { DeliveryLedger } from './delivery-ledger.js'
import { DemoConsumerGroup } from './demo-consumer-group.js'
import { DemoControls } from './demo-controls.js'
import type { DemoAction } from './demo-keys.js'
import { type DemoOptions, OVERFLOWS, resolveDemoOptions } from './demo-options.js'
import { DemoSampler } from './demo-sampler.js'
import type { DemoSummary } from './demo-summary.js'
import { OrderGenerator } from './order-generator.js'
import { PacedOrders } from './paced-orders.js'

/** A Fetch answer is at most this big: the most a member's buffer passes its budget by. */
const FETCH_MAX_BYTES = 1 << 20
const PEAK_SAMPLE_MS = 100
const SNAPSHOT_MS = 1000

/** A running demo: its live feed, where it runs, and how to stop it. */
export interface DemoRun {
  /** One snapshot a second (the terminal view and the web console read it). */
  readonly feed: LiveFeed
  readonly bootstrap: string
  readonly topic: string
  readonly groupId: string
  /** A client on the demo's Kafka, for the console (it makes its own admin from it). */
  readonly kafka: Kafka
  readonly options: DemoOptions
  /** The producer and the consumer group's members, for metrics collectors. */
  readonly producer: Producer
  /** What a key does; returns a line saying what changed. */
  act(action: Exclude<DemoAction, 'quit'>): string
  /** Stops producing, lets the consumers finish what was acknowledged (up to the drain bound), checks, cleans up. */
  stop(): Promise<DemoSummary>
  /** Resolves with the summary once the run has stopped: after --duration, or after stop(). */
  readonly finished: Promise<DemoSummary>
}

class InjectedFailure extends Error {
  constructor() {
    super('injected handler failure')
    this.name = 'InjectedFailure'
  }
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

async function prepareTopic(kafka: Kafka, o: DemoOptions, groupId: string): Promise<void> {
  const admin = kafka.admin()
  try {
    await admin.createTopics([{ topic: o.topic, partitions: o.partitions }], { ignoreExisting: true })
    // against a Kafka where the topic has records from before, the group starts at their end: the
    // ledger accounts for this run's records only
    const [described] = await admin.describeTopics([o.topic])
    const ends = await admin.listOffsets(
      described.partitions.map((p) => ({ topic: o.topic, partition: p.partition, at: 'latest' as const })),
    )
    if (ends.some((e) => e.offset > 0n))
      await admin.alterOffsets(
        groupId,
        ends.map((e) => ({ topic: e.topic, partition: e.partition, offset: e.offset })),
      )
  } finally {
    await admin.close()
  }
}

export interface DemoExtras {
  /** Export the producer's, every consumer's and the embedded broker's metrics to this registry. */
  readonly metricsRegistry?: Registry
  /** With `brokers`: how to connect to that Kafka (TLS, SASL, timeouts, client id). */
  readonly kafkaOptions?: Omit<KafkaOptions, 'brokers'>
}

/**
 * Starts the demo: an embedded broker (unless `brokers` is given), the
 * topic, a paced producer of order events and a consumer group slower than
 * it, with a ledger of every record acknowledged and processed.
 */
export async function startDemo(given: Partial<DemoOptions> = {}, extras: DemoExtras = {}): Promise<DemoRun> {
  const o = resolveDemoOptions(given)
  let broker: RunningBroker | undefined
  if (o.brokers === undefined) {
    broker = await startBroker({
      port: 0,
      logger: 'error',
      groupInitialRebalanceDelayMs: 0,
      defaultPartitions: o.partitions,
    })
  }
  const bootstrap = broker?.bootstrap ?? o.brokers!
  const connection = broker ? {} : (extras.kafkaOptions ?? {})
  const kafka = new Kafka({ clientId: 'sluice-demo', logger: 'error', ...connection, brokers: bootstrap })
  const startedAt = Date.now()
  const groupId = `sluice-demo-${startedAt.toString(36)}`
  try {
    await prepareTopic(kafka, o, groupId)
  } catch (err) {
    await broker?.close()
    throw err
  }

  const ledger = new DeliveryLedger()
  const failWindow =
    o.failAtSeconds === undefined
      ? undefined
      : { from: o.failAtSeconds, until: o.failAtSeconds + o.failForSeconds }
  const controls = new DemoControls(o.rate, o.handlerMs, startedAt, failWindow)
  const source = new PacedOrders(new OrderGenerator(o.seed, o.customers), o.rate)
  const producer = kafka.producer({
    acks: 'all',
    idempotent: true,
    lingerMs: 5,
    bufferBytes: o.producerBufferBytes,
  })
  const registry = extras.metricsRegistry
  const collections: MetricsCollection[] = []
  const memberCollections = new Map<number, MetricsCollection>()
  if (registry) {
    collections.push(collectProducerMetrics(producer, { registry, labels: { client: 'demo-producer' } }))
    if (broker) collections.push(collectBrokerMetrics(broker, { registry }))
  }
  let fatal: Error | undefined
  let stop: () => Promise<DemoSummary> = async () => {
    throw new Error('not started')
  }
  const onFatal = (err: Error) => {
    fatal ??= err
    void stop()
  }

  const handler = async (message: ConsumerMessage): Promise<void> => {
    if (controls.failing()) throw new InjectedFailure()
    // the "work": a slow downstream (a database, a payment API) takes handlerMs per order
    const ms = controls.delayMs()
    if (ms > 0) await delay(ms)
    const order = message.value as { seq?: unknown } | null
    if (typeof order?.seq !== 'number')
      throw new Error(`order at ${message.partition}@${message.offset} has no seq`)
    ledger.processed(message.partition, Number(message.offset))
  }
  const group = new DemoConsumerGroup(
    kafka,
    {
      topic: o.topic,
      groupId,
      budgetBytes: o.consumerBudgetBytes,
      concurrency: o.concurrency,
      partitions: o.partitions,
      fetchMaxBytes: FETCH_MAX_BYTES,
      handler,
      onDrop: (partition, offset) => ledger.dropped(partition, offset),
      onSkip: (partition, offset) => ledger.skipped(partition, offset),
      onFatal,
      onMemberStarted: (consumer, id) => {
        if (registry)
          memberCollections.set(
            id,
            collectConsumerMetrics(consumer, { registry, labels: { client: `demo-consumer-${id}` } }),
          )
      },
      onMemberRetired: (_consumer, id) => {
        memberCollections.get(id)?.stop()
        memberCollections.delete(id)
      },
    },
    o.overflow,
  )
  group.start(o.consumers)

  let producerErrors = 0
  let lastProducerError: Error | undefined
  const producing = (async () => {
    for await (const r of producer.sendAll(source, { topic: o.topic })) {
      if (r.error) {
        producerErrors++
        lastProducerError = r.error
      } else ledger.acknowledged(r.metadata.partition, Number(r.metadata.offset))
    }
  })().catch(onFatal)

  const feed = new LiveFeed()
  const sampler = new DemoSampler({
    producer,
    source,
    group,
    ledger,
    controls,
    memberBudgetBytes: o.consumerBudgetBytes,
    startedAt,
  })
  const peakTimer = setInterval(() => sampler.samplePeaks(), PEAK_SAMPLE_MS)
  const snapshotTimer = setInterval(() => feed.publish(sampler.snapshot()), SNAPSHOT_MS)
  const durationTimer =
    o.durationSeconds === undefined ? undefined : setTimeout(() => void stop(), o.durationSeconds * 1000)

  let resolveFinished: (summary: DemoSummary) => void = () => {}
  const finished = new Promise<DemoSummary>((resolve) => {
    resolveFinished = resolve
  })

  const shutdown = async (): Promise<DemoSummary> => {
    clearTimeout(durationTimer)
    source.stop()
    await producing
    // let the group finish what was acknowledged, at full speed; the view keeps going meanwhile
    controls.draining = true
    const drainStarted = Date.now()
    while (
      ledger.counts().outstanding > 0 &&
      !fatal &&
      Date.now() - drainStarted < o.drainTimeoutSeconds * 1000
    )
      await delay(50)
    const drainSeconds = (Date.now() - drainStarted) / 1000
    const drained = ledger.counts().outstanding === 0
    clearInterval(peakTimer)
    sampler.samplePeaks()
    feed.publish(sampler.snapshot())
    clearInterval(snapshotTimer)
    await group.close()
    const committedPastUnfinished = await checkCommits(kafka, groupId, ledger).catch((err: Error) => {
      fatal ??= err
      return 0
    })
    await producer.close({ timeoutMs: 5000 }).catch(() => {})
    for (const c of collections) c.stop()
    await broker?.close()
    const counts = ledger.counts()
    const lost = counts.outstanding
    const withinBudget = group.peakMemberBufferedBytes <= o.consumerBudgetBytes + FETCH_MAX_BYTES
    const error =
      fatal?.message ??
      (producerErrors > 0 && counts.acknowledged === 0 ? lastProducerError?.message : undefined)
    return {
      seconds: (Date.now() - startedAt) / 1000,
      produced: source.produced,
      acknowledged: counts.acknowledged,
      producerErrors,
      consumed: counts.processed,
      droppedByPolicy: counts.dropped,
      skipped: counts.skipped,
      lost,
      lostRecords: lost > 0 ? ledger.unfinished(10) : [],
      duplicates: counts.duplicates,
      committedPastUnfinished,
      drained,
      drainSeconds,
      peakRssBytes: sampler.peakRssBytes,
      peakMemberBufferedBytes: group.peakMemberBufferedBytes,
      memberBudgetBytes: o.consumerBudgetBytes,
      fetchMaxBytes: FETCH_MAX_BYTES,
      withinBudget,
      breakerOpens: group.breakerOpens,
      breakerCloses: group.breakerCloses,
      rebalances: group.rebalances,
      error,
      ok: lost === 0 && committedPastUnfinished === 0 && error === undefined,
    }
  }
  let stopping: Promise<DemoSummary> | undefined
  stop = () => {
    stopping ??= shutdown().then((summary) => {
      resolveFinished(summary)
      return summary
    })
    return stopping
  }

  const act = (action: Exclude<DemoAction, 'quit'>): string => {
    switch (action) {
      case 'faster':
        controls.faster()
        source.rate = controls.rate
        return `producer target ${controls.rate} records/s`
      case 'slower':
        controls.slower()
        source.rate = controls.rate
        return `producer target ${controls.rate} records/s`
      case 'faster-handler':
        controls.fasterHandler()
        return `handler ${controls.handlerMs} ms per record`
      case 'slower-handler':
        controls.slowerHandler()
        return `handler ${controls.handlerMs} ms per record`
      case 'toggle-failures':
        controls.manualFailing = !controls.manualFailing
        return controls.manualFailing
          ? 'handler failing: the breaker opens and fetching pauses; records are retried'
          : 'handler healthy again: the breaker probes, closes and fetching resumes'
      case 'next-overflow': {
        const next = OVERFLOWS[(OVERFLOWS.indexOf(group.overflow) + 1) % OVERFLOWS.length]
        void group.setOverflow(next)
        return `overflow ${next}: replacing the consumers one by one`
      }
      case 'add-consumer':
        void group.add()
        return `adding a consumer (${group.size + 1}): cooperative-sticky rebalance`
      case 'remove-consumer':
        if (group.size <= 1) return 'the last consumer stays'
        void group.remove()
        return 'removing the newest consumer: its partitions move to the others'
    }
  }

  return { feed, bootstrap, topic: o.topic, groupId, kafka, options: o, producer, act, stop, finished }
}

/** Acknowledged records left unfinished below the offsets the group committed (there must be none). */
async function checkCommits(kafka: Kafka, groupId: string, ledger: DeliveryLedger): Promise<number> {
  const admin = kafka.admin()
  try {
    let n = 0
    for (const c of await admin.fetchOffsets(groupId))
      if (c.offset > 0n) n += ledger.unfinishedBelow(c.partition, Number(c.offset))
    return n
  } finally {
    await admin.close()
  }
}
