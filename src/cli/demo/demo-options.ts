import type { Overflow } from '../../client/index.js'

export const OVERFLOWS: readonly Overflow[] = ['pause', 'drop-oldest', 'drop-newest', 'latest']

/** How a demo run is set up. Every field has a default (see DEMO_DEFAULTS). */
export interface DemoOptions {
  /** Kafka to run against (`host:port,...`); without it an embedded broker is started in-process. */
  brokers?: string
  topic: string
  partitions: number
  /** Records produced per second (the target; backpressure may hold the producer below it). */
  rate: number
  /** How long one record takes the handler. */
  handlerMs: number
  /** Records handled at once per consumer (key order: at most one per key). */
  concurrency: number
  /** Each consumer's byte budget for records fetched and not finished. */
  consumerBudgetBytes: number
  /** The producer's buffer for records not yet acknowledged. */
  producerBufferBytes: number
  consumers: number
  overflow: Overflow
  /** Distinct customers (record keys). */
  customers: number
  seed: number
  /** Seconds before the run ends by itself; undefined runs until stopped. */
  durationSeconds?: number
  /** Handler failures injected from this second of the run, for failForSeconds. */
  failAtSeconds?: number
  failForSeconds: number
  /** Once the producer stops, how long the consumers may take to finish what is left (at full speed). */
  drainTimeoutSeconds: number
}

export const DEMO_DEFAULTS: DemoOptions = {
  topic: 'demo-orders',
  partitions: 6,
  rate: 3000,
  // 32 at once at 20 ms each is at most 1600 records/s: slower than the producer, so the lag grows
  // and the consumer's buffer fills to its budget within seconds, where fetching pauses
  handlerMs: 20,
  concurrency: 32,
  consumerBudgetBytes: 4 << 20,
  producerBufferBytes: 8 << 20,
  consumers: 1,
  overflow: 'pause',
  customers: 500,
  seed: 1,
  failForSeconds: 5,
  drainTimeoutSeconds: 60,
}

/** A bad demo option, named: the command prints its message in one line. */
export class DemoOptionError extends Error {
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`${key} ${reason}`)
    this.name = 'DemoOptionError'
  }
}

function positive(key: string, value: number, { integer = false, max = Number.MAX_SAFE_INTEGER } = {}): void {
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value)) || value > max)
    throw new DemoOptionError(
      key,
      `must be a positive ${integer ? 'integer' : 'number'} up to ${max}, got ${value}`,
    )
}

function nonNegative(key: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) throw new DemoOptionError(key, `must be 0 or more, got ${value}`)
}

/** The defaults with `given` over them, checked; throws DemoOptionError naming the first bad key. */
export function resolveDemoOptions(given: Partial<DemoOptions>): DemoOptions {
  const o: DemoOptions = { ...DEMO_DEFAULTS }
  for (const [key, value] of Object.entries(given)) if (value !== undefined) (o as any)[key] = value
  if (o.topic === '') throw new DemoOptionError('topic', 'must not be empty')
  positive('partitions', o.partitions, { integer: true, max: 1000 })
  positive('rate', o.rate, { max: 1_000_000 })
  nonNegative('handlerMs', o.handlerMs)
  positive('concurrency', o.concurrency, { integer: true, max: 10_000 })
  positive('consumerBudgetBytes', o.consumerBudgetBytes, { integer: true })
  positive('producerBufferBytes', o.producerBufferBytes, { integer: true })
  positive('consumers', o.consumers, { integer: true, max: 64 })
  positive('customers', o.customers, { integer: true, max: 1_000_000 })
  if (!Number.isInteger(o.seed)) throw new DemoOptionError('seed', `must be an integer, got ${o.seed}`)
  if (!OVERFLOWS.includes(o.overflow))
    throw new DemoOptionError('overflow', `must be one of ${OVERFLOWS.join(', ')}, got ${o.overflow}`)
  if (o.durationSeconds !== undefined) positive('durationSeconds', o.durationSeconds)
  if (o.failAtSeconds !== undefined) nonNegative('failAtSeconds', o.failAtSeconds)
  positive('failForSeconds', o.failForSeconds)
  nonNegative('drainTimeoutSeconds', o.drainTimeoutSeconds)
  return o
}
