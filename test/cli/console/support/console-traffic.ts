import { LiveFeed, type LiveSnapshot } from '../../../../src/cli/live/live-snapshot.js'
import type { Consumer, Kafka, Producer } from '../../../../src/client/index.js'

export interface Traffic {
  readonly topic: string
  readonly groupId: string
  /** Snapshots of the real producer and consumer, one a second, as the demo publishes them. */
  readonly feed: LiveFeed
  readonly producer: Producer
  readonly consumer: Consumer
  close(): Promise<void>
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * What the console is tested against: a producer faster than a consumer
 * group (so lag grows), at a rate that swings (so the rates move), with
 * small budgets (so the gauges show something), and a LiveFeed of their
 * metrics made the way the demo makes its own.
 */
export async function startTraffic(
  kafka: Kafka,
  options: { topic?: string; groupId?: string; partitions?: number } = {},
): Promise<Traffic> {
  const topic = options.topic ?? 'orders'
  const groupId = options.groupId ?? 'billing'
  const admin = kafka.admin()
  await admin.createTopics([{ topic, partitions: options.partitions ?? 3 }])
  await admin.close()

  const producer = kafka.producer({ lingerMs: 5, bufferBytes: 256 << 10 })
  const consumer = kafka.consumer({
    groupId,
    topics: [topic],
    fromBeginning: true,
    ordering: 'key',
    concurrency: 4,
    maxBufferedBytes: 128 << 10,
  })
  const startedAt = Date.now()
  let stopped = false
  let sent = 0

  // about 150-450 records a second, swinging over six seconds; the handler manages about 200
  const producing = (async () => {
    while (!stopped) {
      const perTick = Math.round(15 + 15 * Math.sin((Date.now() - startedAt) / 1000))
      const messages = Array.from({ length: perTick }, () => {
        sent++
        return {
          key: `user-${sent % 50}`,
          value: JSON.stringify({ order: sent, total: sent % 97, pad: 'x'.repeat(150) }),
        }
      })
      await producer.send({ topic, messages })
      await sleep(100)
    }
  })()
  const consuming = consumer.run(() => sleep(20))

  const feed = new LiveFeed()
  let lastProcessed = 0
  let lastAt = startedAt
  const publish = () => {
    const at = Date.now()
    const p = producer.metrics()
    const c = consumer.metrics()
    const consumeRate = ((c.processed - lastProcessed) * 1000) / Math.max(1, at - lastAt)
    lastProcessed = c.processed
    lastAt = at
    const memory = process.memoryUsage()
    const snapshot: LiveSnapshot = {
      at,
      elapsedSeconds: (at - startedAt) / 1000,
      producer: {
        recordsPerSecond: p.recordsPerSecond,
        targetRate: 300,
        bufferBytesUsed: p.bufferBytesUsed,
        bufferBytesTotal: p.bufferBytesTotal,
        sendersWaiting: p.sendersWaiting,
        inFlightRequests: p.requestsInFlight,
        retries: p.retries,
        drops: p.drops,
        errors: p.errors,
        acknowledged: sent,
      },
      consumer: {
        recordsPerSecond: consumeRate,
        handlerMs: 20,
        members: 1,
        lag: c.totalLag,
        bufferedBytes: c.bufferedBytes,
        maxBufferedBytes: c.maxBufferedBytes,
        bufferedRecords: c.bufferedRecords,
        pausedPartitions: c.partitions.filter((part) => part.paused).length,
        partitions: c.partitions.length,
        inFlight: c.inFlight,
        concurrency: c.concurrency,
        retries: c.retries,
        failedAttempts: c.failedAttempts,
        drops: Object.values(c.drops).reduce((a, b) => a + b, 0),
        overflow: 'pause',
        breaker: c.breaker ?? 'none',
        processed: c.processed,
        duplicates: 0,
      },
      process: { rssBytes: memory.rss, heapUsedBytes: memory.heapUsed },
    }
    feed.publish(snapshot)
  }
  const timer = setInterval(publish, 1000)

  return {
    topic,
    groupId,
    feed,
    producer,
    consumer,
    async close() {
      clearInterval(timer)
      stopped = true
      await producing.catch(() => {})
      await consumer.close()
      await consuming.catch(() => {})
      await producer.close()
    },
  }
}
