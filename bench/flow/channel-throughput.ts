import { once } from 'node:events'
import { PassThrough, Readable, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { Channel } from '../../src/flow/index.js'
import {
  type BenchCase,
  groupedRows,
  RATIO_NOTE,
  ratioCell,
  runComparison,
  spreadCell,
} from '../support/comparison.js'
import type { MeasureOptions } from '../support/measure.js'
import { formatInteger, formatSi, type Table } from '../support/table.js'
import { check, expectedSum } from './verify.js'

/**
 * Handoff throughput: one producer, one consumer, ITEMS numbers through a
 * buffer of CAPACITY, as fast as both sides go. Sluice's Channel against a
 * Node object-mode stream with the same buffer (highWaterMark = CAPACITY), and
 * against the cheapest possible for-await loop (no buffer at all) as a floor.
 */

const ITEMS = 100_000
const CAPACITY = 1024

type Handoff = () => Promise<number>

async function consumeEach(ch: Channel<number>): Promise<number> {
  let sum = 0
  for await (const n of ch) sum += n
  return sum
}

async function consumeBatches(ch: Channel<number>): Promise<number> {
  let sum = 0
  for (;;) {
    const batch = await ch.receiveBatch(CAPACITY)
    if (batch.length === 0) return sum
    for (let i = 0; i < batch.length; i++) sum += batch[i]
  }
}

const channelAwaitSend: Handoff = async () => {
  const ch = new Channel<number>({ capacity: CAPACITY })
  const consumed = consumeEach(ch)
  for (let i = 0; i < ITEMS; i++) await ch.send(i)
  ch.close()
  return consumed
}

const channelTrySend: Handoff = async () => {
  const ch = new Channel<number>({ capacity: CAPACITY })
  const consumed = consumeEach(ch)
  for (let i = 0; i < ITEMS; i++) ch.trySend(i) || (await ch.send(i))
  ch.close()
  return consumed
}

const channelBatches: Handoff = async () => {
  const ch = new Channel<number>({ capacity: CAPACITY })
  const consumed = consumeBatches(ch)
  for (let i = 0; i < ITEMS; i++) ch.trySend(i) || (await ch.send(i))
  ch.close()
  return consumed
}

const channelSendAllBatches: Handoff = async () => {
  const ch = new Channel<number>({ capacity: CAPACITY })
  const consumed = consumeBatches(ch)
  const chunk: number[] = new Array(CAPACITY)
  for (let start = 0; start < ITEMS; start += CAPACITY) {
    const end = Math.min(ITEMS, start + CAPACITY)
    chunk.length = end - start
    for (let i = start; i < end; i++) chunk[i - start] = i
    await ch.sendAll(chunk)
  }
  ch.close()
  return consumed
}

/** The least a for-await loop can cost: an iterator that hands out numbers with no buffer behind it. */
const bareForAwait: Handoff = async () => {
  let i = 0
  const iterator: AsyncIterableIterator<number> = {
    next: () => Promise.resolve(i < ITEMS ? { value: i++, done: false } : { value: undefined, done: true }),
    [Symbol.asyncIterator]() {
      return this
    },
  }
  let sum = 0
  for await (const n of iterator) sum += n
  return sum
}

const passThroughForAwait: Handoff = async () => {
  const stream = new PassThrough({ objectMode: true, highWaterMark: CAPACITY })
  const producing = (async () => {
    for (let i = 0; i < ITEMS; i++) {
      if (!stream.write(i)) await once(stream, 'drain')
    }
    stream.end()
  })()
  let sum = 0
  for await (const n of stream) sum += n as number
  await producing
  return sum
}

function* numbers(): Generator<number> {
  for (let i = 0; i < ITEMS; i++) yield i
}

const streamPipeline: Handoff = async () => {
  let sum = 0
  await pipeline(
    Readable.from(numbers(), { objectMode: true, highWaterMark: CAPACITY }),
    new Writable({
      objectMode: true,
      highWaterMark: CAPACITY,
      write(chunk: number, _encoding, callback) {
        sum += chunk
        callback()
      },
    }),
  )
  return sum
}

const streamPipelineWritev: Handoff = async () => {
  let sum = 0
  await pipeline(
    Readable.from(numbers(), { objectMode: true, highWaterMark: CAPACITY }),
    new Writable({
      objectMode: true,
      highWaterMark: CAPACITY,
      writev(chunks, callback) {
        for (let i = 0; i < chunks.length; i++) sum += chunks[i].chunk as number
        callback()
      },
    }),
  )
  return sum
}

export async function benchChannelThroughput(options: MeasureOptions): Promise<Table> {
  const one = 'one item at a time'
  const batched = 'in batches'
  const cases: (BenchCase & { handoff: Handoff })[] = [
    { group: one, name: 'Sluice Channel: await send(x) / for await', handoff: channelAwaitSend },
    { group: one, name: 'Sluice Channel: trySend(x) || await send(x) / for await', handoff: channelTrySend },
    { group: one, name: 'Node PassThrough: write + drain / for await', handoff: passThroughForAwait },
    { group: one, name: 'Node pipeline(Readable.from, Writable.write)', handoff: streamPipeline },
    { group: one, name: 'floor: for await over a bare iterator, no buffer', handoff: bareForAwait },
    {
      group: batched,
      name: `Sluice Channel: trySend || send / receiveBatch(${CAPACITY})`,
      handoff: channelBatches,
    },
    {
      group: batched,
      name: `Sluice Channel: sendAll(${CAPACITY}) / receiveBatch(${CAPACITY})`,
      handoff: channelSendAllBatches,
    },
    { group: batched, name: 'Node pipeline(Readable.from, Writable.writev)', handoff: streamPipelineWritev },
  ].map((c) => ({ ...c, fn: c.handoff }))

  for (const c of cases) {
    const sum = await c.handoff()
    check(sum === expectedSum(ITEMS), `${c.name} delivered a sum of ${sum}, expected ${expectedSum(ITEMS)}`)
  }
  const results = await runComparison(cases, options)
  return {
    title: `Channel handoff: ${formatInteger(ITEMS)} numbers, one producer and one consumer, buffer of ${formatInteger(CAPACITY)}`,
    columns: [
      { header: 'mode' },
      { header: 'implementation' },
      { header: 'items/s', align: 'right' },
      { header: 'spread', align: 'right' },
      { header: 'ratio', align: 'right' },
    ],
    rows: groupedRows(results, (r) => [
      r.bench.group,
      r.bench.name,
      formatSi(r.measurement.opsPerSecond * ITEMS),
      spreadCell(r),
      ratioCell(r),
    ]),
    notes: [
      RATIO_NOTE,
      'spread = (fastest - slowest round) / median round; the rate is the median of the rounds.',
      'Each run starts both sides, moves every number and closes (ends) the channel or stream; the sum is',
      '  checked before timing. The floor row has no producer and no buffer: it is what for-await alone costs.',
      `Node streams count objects against highWaterMark in object mode, so both sides buffer ${CAPACITY} items.`,
    ],
  }
}
