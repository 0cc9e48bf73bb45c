import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { AppendedBatch } from '../../src/broker/faults/appended-batch.js'
import { BrokerConfigError, type BrokerOptions, startBroker } from '../../src/broker/index.js'
import { ErrorCode } from '../../src/protocol/error-codes.js'
import { Apis } from '../../src/protocol/messages/index.js'
import { encodeRecordBatch } from '../../src/protocol/records/index.js'
import { useBrokers } from './support/use-brokers.js'
import type { WireClient } from './support/wire-client.js'
import { createTopic, storedValues } from './support/wire-helpers.js'

/**
 * Idempotent producers over the wire: InitProducerId at every version,
 * Produce's sequence rules, the state rebuilt after a restart on a data
 * directory, and the test-only fault that drops a produce's response after the append.
 */

const ZERO_UUID = '00000000-0000-0000-0000-000000000000'

interface Idempotence {
  producerId: bigint
  producerEpoch: number
  baseSequence: number
}

function batchOf(values: string[], id: Idempotence | null, timestamp = 1_000): Buffer {
  return encodeRecordBatch(
    values.map((v, i) => ({ value: Buffer.from(v), timestamp: timestamp + i })),
    id ? { producerId: id.producerId, producerEpoch: id.producerEpoch, baseSequence: id.baseSequence } : {},
  )
}

function produceBody(topic: string, partition: number, records: Buffer) {
  return {
    acks: -1,
    timeoutMs: 5000,
    topicData: [{ name: topic, partitionData: [{ index: partition, records }] }],
  }
}

async function produce(client: WireClient, topic: string, partition: number, records: Buffer) {
  const r = await client.send(Apis.Produce, 9, produceBody(topic, partition, records))
  return r.responses[0].partitionResponses[0]
}

async function initProducerId(
  client: WireClient,
  version: number,
  body: { transactionalId?: string | null; producerId?: bigint; producerEpoch?: number } = {},
) {
  return client.send(Apis.InitProducerId, version, {
    transactionalId: body.transactionalId ?? null,
    transactionTimeoutMs: 60_000,
    producerId: body.producerId ?? -1n,
    producerEpoch: body.producerEpoch ?? -1,
  })
}

const { start, connect, defer } = useBrokers()

describe('InitProducerId', () => {
  it('is advertised at versions 0-4, and no transaction API is', async () => {
    const { client } = await start()
    const r = await client.send(Apis.ApiVersions, 3, { clientSoftwareName: 't', clientSoftwareVersion: '1' })
    const byKey = new Map(r.apiKeys.map((k) => [k.apiKey, k]))
    expect(byKey.get(Apis.InitProducerId.key)).toEqual({ apiKey: 22, minVersion: 0, maxVersion: 4 })
    // AddPartitionsToTxn, AddOffsetsToTxn, EndTxn, WriteTxnMarkers, TxnOffsetCommit, DescribeTransactions, ListTransactions
    for (const key of [24, 25, 26, 27, 28, 65, 66]) expect(byKey.has(key)).toBe(false)
  })

  it('hands out distinct ids with epoch 0 at every version', async () => {
    const { client } = await start()
    const ids = new Set<bigint>()
    for (const version of [0, 1, 2, 3, 4]) {
      const r = await initProducerId(client, version)
      expect(r).toMatchObject({ errorCode: 0, producerEpoch: 0, throttleTimeMs: 0 })
      expect(r.producerId).toBeGreaterThanOrEqual(0n)
      ids.add(r.producerId)
    }
    expect(ids.size).toBe(5)
  })

  it('refuses transactional ids with TRANSACTIONAL_ID_AUTHORIZATION_FAILED', async () => {
    const { client } = await start()
    for (const version of [0, 3, 4]) {
      for (const transactionalId of ['txn-1', '']) {
        const r = await initProducerId(client, version, { transactionalId })
        expect(r).toMatchObject({
          errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
          producerId: -1n,
          producerEpoch: -1,
        })
      }
    }
  })

  it('bumps the epoch for the id and epoch a v3+ client holds; another epoch gets a new id, never PRODUCER_FENCED', async () => {
    const { client } = await start()
    const { producerId } = await initProducerId(client, 4)
    expect(await initProducerId(client, 3, { producerId, producerEpoch: 0 })).toMatchObject({
      errorCode: 0,
      producerId,
      producerEpoch: 1,
    })
    expect(await initProducerId(client, 4, { producerId, producerEpoch: 1 })).toMatchObject({
      errorCode: 0,
      producerId,
      producerEpoch: 2,
    })
    // a retry of the last bump gets the same answer
    expect(await initProducerId(client, 4, { producerId, producerEpoch: 1 })).toMatchObject({
      errorCode: 0,
      producerId,
      producerEpoch: 2,
    })
    // epoch 0 is two bumps old, 7 was never issued: as Kafka, which fences only transactional
    // producers, a new id with epoch 0 in every version
    const answers = [
      await initProducerId(client, 3, { producerId, producerEpoch: 0 }),
      await initProducerId(client, 4, { producerId, producerEpoch: 0 }),
      await initProducerId(client, 4, { producerId, producerEpoch: 7 }),
    ]
    expect(answers.map((a) => [a.errorCode, a.producerEpoch])).toEqual([
      [0, 0],
      [0, 0],
      [0, 0],
    ])
    expect(new Set([producerId, ...answers.map((a) => a.producerId)]).size).toBe(4)
    // the holder of the current epoch is not disturbed by them
    expect(await initProducerId(client, 4, { producerId, producerEpoch: 2 })).toMatchObject({
      errorCode: 0,
      producerId,
      producerEpoch: 3,
    })
  })

  it('answers INVALID_REQUEST to an id without an epoch or an epoch without an id', async () => {
    const { client } = await start()
    expect((await initProducerId(client, 3, { producerId: 5n })).errorCode).toBe(ErrorCode.INVALID_REQUEST)
    expect((await initProducerId(client, 4, { producerEpoch: 2 })).errorCode).toBe(ErrorCode.INVALID_REQUEST)
  })
})

describe('Produce with idempotent producers', () => {
  it('answers a retried batch with its original offset and stores it once', async () => {
    const { client } = await start()
    await createTopic(client, 'idem')
    const { producerId } = await initProducerId(client, 4)
    const first = batchOf(['a', 'b', 'c'], { producerId, producerEpoch: 0, baseSequence: 0 })
    const second = batchOf(['d'], { producerId, producerEpoch: 0, baseSequence: 3 })
    expect(await produce(client, 'idem', 0, first)).toMatchObject({ errorCode: 0, baseOffset: 0n })
    expect(await produce(client, 'idem', 0, second)).toMatchObject({ errorCode: 0, baseOffset: 3n })
    // both sent again (a client's retries): the offsets they first got, nothing appended
    expect(await produce(client, 'idem', 0, Buffer.from(first))).toMatchObject({
      errorCode: 0,
      baseOffset: 0n,
      logAppendTimeMs: -1n,
      logStartOffset: 0n,
    })
    expect(await produce(client, 'idem', 0, Buffer.from(second))).toMatchObject({
      errorCode: 0,
      baseOffset: 3n,
    })
    expect(await storedValues(client, 'idem', 0)).toEqual(['a', 'b', 'c', 'd'])
  })

  it('refuses gaps, old epochs, a new epoch not starting at 0, and a producer id without a sequence', async () => {
    const { client } = await start()
    await createTopic(client, 'rules')
    const { producerId } = await initProducerId(client, 4)
    const seq = (baseSequence: number, producerEpoch = 0) => ({ producerId, producerEpoch, baseSequence })
    expect((await produce(client, 'rules', 0, batchOf(['a', 'b'], seq(0)))).errorCode).toBe(0)
    const gap = await produce(client, 'rules', 0, batchOf(['x'], seq(3)))
    expect(gap).toMatchObject({ errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, baseOffset: -1n })
    expect(gap.errorMessage).toMatch(/sequence 3 after 1/)

    const bumped = await initProducerId(client, 4, { producerId, producerEpoch: 0 })
    expect(bumped.producerEpoch).toBe(1)
    const notZero = await produce(client, 'rules', 0, batchOf(['x'], seq(2, 1)))
    expect(notZero.errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER)
    expect((await produce(client, 'rules', 0, batchOf(['c'], seq(0, 1)))).errorCode).toBe(0)
    const old = await produce(client, 'rules', 0, batchOf(['x'], seq(2, 0)))
    expect(old.errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH)
    const noSequence = await produce(client, 'rules', 0, batchOf(['x'], seq(-1, 1)))
    expect(noSequence.errorCode).toBe(ErrorCode.INVALID_RECORD)
    expect(await storedValues(client, 'rules', 0)).toEqual(['a', 'b', 'c'])
  })

  it('accepts any first sequence from a producer the partition has not seen (Kafka 2.5+)', async () => {
    const { client } = await start()
    await createTopic(client, 'fresh')
    const { producerId } = await initProducerId(client, 4)
    const r = await produce(
      client,
      'fresh',
      0,
      batchOf(['a'], { producerId, producerEpoch: 0, baseSequence: 17 }),
    )
    expect(r.errorCode).toBe(0)
    // and from then on holds it to the sequence it started
    const gap = await produce(
      client,
      'fresh',
      0,
      batchOf(['b'], { producerId, producerEpoch: 0, baseSequence: 0 }),
    )
    expect(gap.errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER)
  })

  it('keeps partitions apart within one request, and leaves plain producers alone', async () => {
    const { client } = await start()
    await createTopic(client, 'multi', 2)
    const { producerId } = await initProducerId(client, 4)
    const p0 = batchOf(['p0'], { producerId, producerEpoch: 0, baseSequence: 0 })
    await produce(client, 'multi', 0, p0)
    const both = await client.send(Apis.Produce, 9, {
      acks: -1,
      timeoutMs: 5000,
      topicData: [
        {
          name: 'multi',
          partitionData: [
            { index: 0, records: Buffer.from(p0) },
            { index: 1, records: batchOf(['p1'], { producerId, producerEpoch: 0, baseSequence: 0 }) },
          ],
        },
      ],
    })
    expect(both.responses[0].partitionResponses.map((p) => [p.index, p.errorCode, p.baseOffset])).toEqual([
      [0, 0, 0n],
      [1, 0, 0n],
    ])
    const plain = batchOf(['same'], null)
    await produce(client, 'multi', 1, plain)
    expect(await produce(client, 'multi', 1, Buffer.from(plain))).toMatchObject({
      errorCode: 0,
      baseOffset: 2n,
    })
    expect(await storedValues(client, 'multi', 0)).toEqual(['p0'])
    expect(await storedValues(client, 'multi', 1)).toEqual(['p1', 'same', 'same'])
  })

  it('answers a duplicate on a LogAppendTime topic with the original append time', async () => {
    const { client } = await start()
    await createTopic(client, 'lat', 1, [['message.timestamp.type', 'LogAppendTime']])
    const { producerId } = await initProducerId(client, 4)
    const batch = batchOf(['a'], { producerId, producerEpoch: 0, baseSequence: 0 })
    const first = await produce(client, 'lat', 0, Buffer.from(batch))
    expect(first.logAppendTimeMs).toBeGreaterThan(0n)
    await new Promise((r) => setTimeout(r, 5))
    expect(await produce(client, 'lat', 0, Buffer.from(batch))).toMatchObject({
      errorCode: 0,
      baseOffset: 0n,
      logAppendTimeMs: first.logAppendTimeMs,
    })
  })

  it('starts a topic deleted and created again with no memory of its producers', async () => {
    const { client } = await start()
    await createTopic(client, 'again')
    const { producerId } = await initProducerId(client, 4)
    const batch = batchOf(['a', 'b'], { producerId, producerEpoch: 0, baseSequence: 0 })
    await produce(client, 'again', 0, Buffer.from(batch))
    const deleted = await client.send(Apis.DeleteTopics, 6, {
      topics: [{ name: 'again', topicId: ZERO_UUID }],
      topicNames: [],
      timeoutMs: 1000,
    })
    expect(deleted.responses[0].errorCode).toBe(0)
    await createTopic(client, 'again')
    await produce(client, 'again', 0, batchOf(['z'], null))
    // the same batch is new to the new topic: stored, not answered with the old topic's offset
    expect(await produce(client, 'again', 0, Buffer.from(batch))).toMatchObject({
      errorCode: 0,
      baseOffset: 1n,
    })
  })
})

describe('idempotent producers across a restart on a data directory', () => {
  it('never reuses producer ids and rebuilds every partition state from the log', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'sluice-idem-'))
    defer(() => rm(dataDir, { recursive: true, force: true }))
    const options: BrokerOptions = { dataDir, fsync: 'never', segmentBytes: 300 }
    const first = await start(options)
    await createTopic(first.client, 'durable', 2)
    const before = [
      (await initProducerId(first.client, 4)).producerId,
      (await initProducerId(first.client, 1)).producerId,
    ]
    const [a, b] = before
    const batches = Array.from({ length: 8 }, (_, i) =>
      batchOf([`a${i}`, `a${i}'`], { producerId: a, producerEpoch: 0, baseSequence: i * 2 }),
    )
    const offsets: bigint[] = []
    for (const batch of batches)
      offsets.push((await produce(first.client, 'durable', 0, Buffer.from(batch))).baseOffset)
    const bBatch = batchOf(['b0'], { producerId: b, producerEpoch: 3, baseSequence: 0 })
    await produce(first.client, 'durable', 1, Buffer.from(bBatch))
    await first.client.close()
    await first.broker.close()

    const second = await start(options)
    const after = await initProducerId(second.client, 4)
    expect(before).not.toContain(after.producerId)
    expect(after.producerId).toBeGreaterThan(a > b ? a : b)
    // the pre-restart id is unknown to the new run: presenting it gets a new id, not a bump
    const presented = await initProducerId(second.client, 4, { producerId: a, producerEpoch: 0 })
    expect(presented.errorCode).toBe(0)
    expect([...before, after.producerId]).not.toContain(presented.producerId)

    // the last five batches are still recognised, with their original offsets; older ones are not
    for (let i = 3; i < 8; i++) {
      expect(await produce(second.client, 'durable', 0, Buffer.from(batches[i]))).toMatchObject({
        errorCode: 0,
        baseOffset: offsets[i],
      })
    }
    const sixthLast = await produce(second.client, 'durable', 0, Buffer.from(batches[2]))
    expect(sixthLast.errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER)
    // the sequence goes on where it stopped; a gap and an old epoch are refused as before
    const gap = batchOf(['x'], { producerId: a, producerEpoch: 0, baseSequence: 17 })
    expect((await produce(second.client, 'durable', 0, gap)).errorCode).toBe(
      ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
    )
    const next = batchOf(['a8'], { producerId: a, producerEpoch: 0, baseSequence: 16 })
    expect(await produce(second.client, 'durable', 0, next)).toMatchObject({ errorCode: 0, baseOffset: 16n })
    expect(await produce(second.client, 'durable', 1, Buffer.from(bBatch))).toMatchObject({
      errorCode: 0,
      baseOffset: 0n,
    })
    const oldEpoch = batchOf(['x'], { producerId: b, producerEpoch: 2, baseSequence: 0 })
    expect((await produce(second.client, 'durable', 1, oldEpoch)).errorCode).toBe(
      ErrorCode.INVALID_PRODUCER_EPOCH,
    )
    expect((await storedValues(second.client, 'durable', 0)).length).toBe(17)
    expect(await storedValues(second.client, 'durable', 1)).toEqual(['b0'])
  })
})

describe('test-only fault: dropping a produce response after the append', () => {
  it('refuses the old faults hook option, pointing to faultInjection', async () => {
    const old = {
      port: 0,
      logger: 'silent',
      faults: { dropResponseAfterAppend: () => true },
    } as BrokerOptions
    await expect(startBroker(old)).rejects.toThrow(BrokerConfigError)
    await expect(startBroker(old)).rejects.toThrow(/faultInjection: true/)
  })

  it('closes the connection after storing the batch, so a retry is answered as a duplicate', async () => {
    const events: AppendedBatch[] = []
    let drops = 1
    const { broker, client } = await start({ faultInjection: true })
    // Infinity: the predicate keeps seeing every append, and decides itself how many answers to drop
    const drop = broker.faults.closeAfterHandling('Produce', {
      times: Number.POSITIVE_INFINITY,
      when: (batch) => {
        events.push(batch)
        return drops-- > 0
      },
    })
    await createTopic(client, 'lossy')
    const { producerId } = await initProducerId(client, 4)
    const batch = batchOf(['once', 'only'], { producerId, producerEpoch: 0, baseSequence: 0 })
    await expect(produce(client, 'lossy', 0, Buffer.from(batch))).rejects.toThrow(/closed/)
    expect(events).toEqual([
      {
        topic: 'lossy',
        partition: 0,
        baseOffset: 0,
        recordCount: 2,
        producerId,
        producerEpoch: 0,
        baseSequence: 0,
      },
    ])

    const retry = await connect(broker)
    expect(await produce(retry, 'lossy', 0, Buffer.from(batch))).toMatchObject({
      errorCode: 0,
      baseOffset: 0n,
    })
    // a duplicate is no append: the predicate was not asked again
    expect(events.length).toBe(1)
    expect(drop.fired).toBe(1)
    const next = batchOf(['next'], { producerId, producerEpoch: 0, baseSequence: 2 })
    expect(await produce(retry, 'lossy', 0, next)).toMatchObject({ errorCode: 0, baseOffset: 2n })
    expect(events.length).toBe(2)
    expect(drop.fired).toBe(1)
    expect(await storedValues(retry, 'lossy', 0)).toEqual(['once', 'only', 'next'])
  })
})
