import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type RunningBroker, startBroker } from '../../../src/broker/index.js'
import { BufferFullError, RecordDroppedError } from '../../../src/client/producer/producer-errors.js'
import { ManualClock } from '../../../src/flow/manual-clock.js'
import { ClientClosedError } from '../../../src/index.js'
import { ClientHarness } from '../support/client-for.js'

/**
 * The producer's budget under pressure: the broker holds every produce (no
 * answer, nothing applied), so batches stay in the buffer and it fills.
 * bufferBytes = 4 batches of 1 KiB; records of ~100 bytes.
 */
describe('producer buffer budget', () => {
  let broker: RunningBroker
  const clients = new ClientHarness()
  const BATCH = 1024
  const BUFFER = 4 * BATCH
  const value = 'v'.repeat(90)
  let topicCount = 0
  const topic = () => `bp-${topicCount++}`

  beforeAll(async () => {
    broker = await startBroker({ port: 0, logger: 'silent', faultInjection: true })
  })
  afterAll(() => broker.close())
  afterEach(async () => {
    broker.faults.clear()
    await clients.closeAll()
  })

  function producer(options: Parameters<ClientHarness['producer']>[1], clock?: ManualClock) {
    return clients.producer(
      { brokers: broker.bootstrap, requestTimeoutMs: 20_000 },
      { lingerMs: 0, batchBytes: BATCH, bufferBytes: BUFFER, ...options },
      clock,
    )
  }

  /** Sends until the budget is full; the sends are left pending (the broker holds them). */
  async function fill(p: ReturnType<typeof producer>, t: string) {
    await p.send({ topic: t, value: 'warm-up' }) // learns metadata and the producer id
    broker.faults.hold()
    const pending: Promise<unknown>[] = []
    for (let i = 0; p.metrics().bufferBytesAvailable >= BATCH; i++) {
      const sent = p.send({ topic: t, value })
      sent.catch(() => {})
      pending.push(sent)
      if (i > 1000) throw new Error('the budget never filled')
    }
    return pending
  }

  it('block: a send waits while the buffer is full and fails after maxBlockMs, never passing the budget', async () => {
    const p = producer({ whenFull: 'block', maxBlockMs: 300 })
    const t = topic()
    const pending = await fill(p, t)
    // the open batch still takes records; the first record that needs a new batch waits
    const waits: Promise<unknown>[] = []
    for (let i = 0; i < 20 && p.metrics().sendersWaiting === 0; i++)
      waits.push(p.send({ topic: t, value }).catch((e) => e))
    expect(p.metrics().sendersWaiting).toBe(1)
    expect(p.metrics().bufferBytesUsed).toBeLessThanOrEqual(BUFFER)
    const error = await waits.at(-1)
    expect(error).toBeInstanceOf(BufferFullError)
    expect((error as Error).message).toMatch(/after waiting 300 ms/)
    expect(p.metrics().waitingTimeMs).toBeGreaterThanOrEqual(290)
    broker.faults.clear()
    await Promise.all(pending)
  })

  it('block: the waiting send goes through once acknowledgements free the buffer', async () => {
    const p = producer({ whenFull: 'block', maxBlockMs: 30_000 })
    const t = topic()
    const pending = await fill(p, t)
    let waiting: Promise<unknown> | undefined
    for (let i = 0; i < 20 && p.metrics().sendersWaiting === 0; i++)
      waiting = p.send({ topic: t, value: 'patient' })
    expect(p.metrics().sendersWaiting).toBe(1)
    broker.faults.clear()
    await expect(waiting).resolves.toMatchObject({ topic: t })
    await Promise.all(pending)
    expect(p.metrics().bufferBytesUsed).toBe(0)
  })

  it('error: fails at once; drop-newest: fails with RecordDroppedError and tells onDrop', async () => {
    const erroring = producer({ whenFull: 'error' })
    const t = topic()
    const pending = await fill(erroring, t)
    let error: unknown
    for (let i = 0; i < 20 && !error; i++) await erroring.send({ topic: t, value }).catch((e) => (error = e))
    expect(error).toBeInstanceOf(BufferFullError)
    expect((error as Error).message).toMatch(/whenFull: 'error'/)
    broker.faults.clear()
    await Promise.all(pending)

    const dropped: unknown[] = []
    const dropping = producer({ whenFull: 'drop-newest', onDrop: (r) => dropped.push(r) })
    const t2 = topic()
    const pending2 = await fill(dropping, t2)
    let drop: unknown
    for (let i = 0; i < 20 && !drop; i++) await dropping.send({ topic: t2, value }).catch((e) => (drop = e))
    expect(drop).toBeInstanceOf(RecordDroppedError)
    expect(dropped).toEqual([expect.objectContaining({ topic: t2, partition: 0 })])
    expect(dropping.metrics().drops).toBe(1)
    broker.faults.clear()
    await Promise.all(pending2)
  })

  it('a writable returns false while the buffer is full, and emits drain once there is room', async () => {
    const p = producer({ whenFull: 'block', maxBlockMs: 30_000 })
    const t = topic()
    const pending = await fill(p, t)
    const stream = p.writable({ topic: t, highWaterMark: 4 })
    let accepted = 0
    while (stream.write({ value })) accepted++
    expect(accepted).toBeLessThan(40)
    const drained = new Promise((resolve) => stream.once('drain', resolve))
    broker.faults.clear()
    await drained
    stream.end()
    await new Promise((resolve, reject) => stream.on('finish', resolve).on('error', reject))
    await Promise.all(pending)
  })

  it('close with a timeout fails what is still unacknowledged, and leaves nothing behind', async () => {
    const p = producer({ whenFull: 'block' })
    const t = topic()
    const pending = await fill(p, t)
    await p.close({ timeoutMs: 200 })
    const outcomes = await Promise.allSettled(pending)
    expect(outcomes.every((o) => o.status === 'rejected' && o.reason instanceof ClientClosedError)).toBe(true)
    await expect(p.send({ topic: t, value })).rejects.toBeInstanceOf(ClientClosedError)
  })
})

describe('producer linger', () => {
  let broker: RunningBroker
  const clients = new ClientHarness()
  beforeAll(async () => {
    broker = await startBroker({ port: 0, logger: 'silent' })
  })
  afterAll(() => broker.close())
  afterEach(() => clients.closeAll())

  const settle = () => new Promise((resolve) => setTimeout(resolve, 50))

  it('holds a batch for lingerMs, sends a full one at once, and flush sends without waiting', async () => {
    const clock = new ManualClock(1_000_000)
    const p = clients.producer({ brokers: broker.bootstrap }, { lingerMs: 1000, batchBytes: 1024 }, clock)
    let resolved = false
    const first = p.send({ topic: 'linger', value: 'x' }).then((md) => {
      resolved = true
      return md
    })
    // metadata and the producer id come over the network, not from the clock
    await settle()
    await settle()
    clock.advance(999)
    await settle()
    expect(resolved).toBe(false)
    expect(p.metrics().requestsSent).toBe(0)
    clock.advance(1)
    expect((await first).offset).toBe(0n)

    // ~100-byte records: a 1 KiB batch is full after about ten, and goes without lingering
    const burst = Array.from({ length: 25 }, (_, i) =>
      p.send({ topic: 'linger', value: `${i}`.padEnd(90, '.') }),
    )
    const firstOfBurst = await burst[0]
    expect(firstOfBurst.offset).toBe(1n)
    const settled = await Promise.race([
      Promise.all(burst).then(() => 'all'),
      settle().then(() => 'some still lingering'),
    ])
    expect(settled).toBe('some still lingering')
    await p.flush()
    expect((await Promise.all(burst)).map((m) => m.offset)).toEqual(
      Array.from({ length: 25 }, (_, i) => BigInt(i + 1)),
    )
  })
})
