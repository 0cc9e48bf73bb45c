/**
 * A Sluice client process for the hostile-broker scenario: four admins,
 * two producers and a group consumer, all pointed at a broker that answers
 * badly, each in a loop of its own until SIGTERM. Every failure is counted
 * by error name; an error that is not one of the client's typed errors
 * (a TypeError from decoding garbage, say) is counted as untyped with its
 * first stack, for the scenario to fail on. SIGUSR1 marks the calm (the
 * broker stops misbehaving): successes from then on are counted apart, to
 * show that the client recovered by itself. The process must never crash
 * (no handler hides an uncaught error: it would end the process with code 1);
 * on SIGTERM it closes everything and prints RESULT.
 */
import { Kafka, type KafkaOptions } from '../../src/index.js'
import { printResult } from '../support/client-process.js'

export interface HostileClientConfig {
  bootstrap: string
  topic: string
  groupId: string
}

export interface HostileClientResult {
  /** Operations tried, per loop (admin calls, sends, consumer runs). */
  tried: Record<string, number>
  succeeded: Record<string, number>
  /** Successes after SIGUSR1, per loop. */
  calmSucceeded: Record<string, number>
  /** Failures by error name, all loops together. */
  errors: Record<string, number>
  /** Errors that were not typed client errors: name, message and the top of the stack. */
  untyped: string[]
  /** Records the consumer's handler got. */
  consumed: number
  /** Whether every close finished in time. */
  closedInTime: boolean
}

const config = JSON.parse(process.argv[2]) as HostileClientConfig

/** Short timeouts and backoffs: an answer that never comes should cost a second or two, not 30. */
const OPTIONS: KafkaOptions = {
  brokers: [config.bootstrap],
  logger: 'silent',
  requestTimeoutMs: 1500,
  defaultApiTimeoutMs: 3000,
  connectionTimeoutMs: 2000,
  reconnectBackoffMs: 10,
  reconnectBackoffMaxMs: 100,
  retry: { initialBackoffMs: 20, maxBackoffMs: 200 },
}
/** JavaScript's own errors: one of these out of the client means it did not check what it decoded. */
const UNTYPED = new Set([
  'Error',
  'TypeError',
  'RangeError',
  'SyntaxError',
  'ReferenceError',
  'AggregateError',
])

const result: HostileClientResult = {
  tried: {},
  succeeded: {},
  calmSucceeded: {},
  errors: {},
  untyped: [],
  consumed: 0,
  closedInTime: false,
}
let stopping = false
let calm = false
process.on('SIGUSR1', () => {
  calm = true
})

const bump = (counts: Record<string, number>, name: string) => {
  counts[name] = (counts[name] ?? 0) + 1
}

function failed(error: unknown): void {
  const name = error instanceof Error ? error.name : typeof error
  bump(result.errors, name)
  if (!(error instanceof Error) || UNTYPED.has(error.name)) {
    if (result.untyped.length < 20) {
      const e = error as Error
      result.untyped.push(`${name}: ${e?.message}\n${e?.stack?.split('\n').slice(1, 6).join('\n')}`)
    }
  }
}

async function attempt(loop: string, operation: () => Promise<unknown>): Promise<void> {
  bump(result.tried, loop)
  try {
    await operation()
    bump(result.succeeded, loop)
    if (calm) bump(result.calmSucceeded, loop)
  } catch (error) {
    failed(error)
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function adminLoop(kafka: Kafka): Promise<void> {
  const admin = kafka.admin()
  const { topic, groupId } = config
  const calls: (() => Promise<unknown>)[] = [
    () => admin.describeCluster(),
    () => admin.listTopics(),
    () => admin.describeTopics([topic]),
    () => admin.createTopics([{ topic: `${topic}-extra-${Math.floor(Math.random() * 50)}`, partitions: 1 }]),
    () => admin.listOffsets([{ topic, partition: 0, at: 'latest' }]),
    () => admin.fetchOffsets(groupId),
    () => admin.describeGroups([groupId]),
    () => admin.listGroups(),
    () => admin.describeConfigs([{ type: 'topic', name: topic }]),
    () => admin.lag(groupId),
  ]
  for (let i = 0; !stopping; i++) await attempt('admin', calls[i % calls.length])
  await admin.close()
}

async function producerLoop(kafka: Kafka): Promise<void> {
  let producer = kafka.producer({ deliveryTimeoutMs: 3000, maxBlockMs: 3000, lingerMs: 1 })
  let failures = 0
  for (let i = 0; !stopping; i++) {
    const before = result.succeeded.producer ?? 0
    await attempt('producer', () =>
      producer.send({ topic: config.topic, messages: [{ key: `k${i % 10}`, value: `v${i}` }] }),
    )
    failures = (result.succeeded.producer ?? 0) > before ? 0 : failures + 1
    // a producer whose idempotent state broke stays broken: start over, as an application would
    if (failures >= 20) {
      await producer.close({ timeoutMs: 2000 }).catch(failed)
      producer = kafka.producer({ deliveryTimeoutMs: 3000, maxBlockMs: 3000, lingerMs: 1 })
      bump(result.tried, 'producer-restart')
      failures = 0
    }
  }
  await producer.close({ timeoutMs: 3000 })
}

async function consumerLoop(kafka: Kafka): Promise<void> {
  while (!stopping) {
    const consumer = kafka.consumer({
      groupId: config.groupId,
      topics: [config.topic],
      fromBeginning: true,
      sessionTimeoutMs: 6000,
      heartbeatIntervalMs: 500,
      rebalanceTimeoutMs: 3000,
    })
    consumer.on('error', failed)
    const stop = setInterval(() => {
      if (stopping) void consumer.close()
    }, 100)
    await attempt('consumer', () =>
      consumer.run(async () => {
        result.consumed++
        if (calm) bump(result.calmSucceeded, 'consumed')
      }),
    )
    clearInterval(stop)
    await consumer.close().catch(failed)
    if (!stopping) await pause(50)
  }
}

// a Kafka (and its connections) per loop: a damaged answer closes one connection, and with it only its loop's calls
const own = (name: string) => new Kafka({ ...OPTIONS, clientId: `hostile-${name}` })
const loops = Promise.all([
  ...Array.from({ length: 4 }, (_, i) => adminLoop(own(`admin-${i}`))),
  producerLoop(own('producer-0')),
  producerLoop(own('producer-1')),
  consumerLoop(own('consumer')),
])
process.once('SIGTERM', () => {
  stopping = true
  const deadline = pause(15_000).then(() => false)
  void Promise.race([loops.then(() => true), deadline]).then((inTime) => {
    result.closedInTime = inTime
    printResult(result)
    process.exit(0)
  })
})
