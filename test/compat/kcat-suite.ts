import { spawnSync } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { BrokerHarness, type CompatBroker, type CompatTarget } from './support/broker.js'
import {
  type Availability,
  describeWithClient,
  itWithPart,
  probe,
  runChecked,
} from './support/external-client.js'
import { javaKeyPartition } from './support/murmur2.js'
import { readStoredBatches } from './support/stored-batches.js'
import { CODEC_TYPES, checkStoredCodec } from './support/stored-codec.js'
import type { ReadRecord } from './support/workload.js'

/**
 * kcat, the librdkafka command-line client, against a broker (the embedded
 * one in kcat.test.ts, Apache Kafka in kcat.kafka.test.ts): one
 * topic per compression codec, 10,000 keyed records with headers produced by
 * librdkafka's Java-compatible partitioner into three partitions, read back
 * partition by partition, offsets listed with -Q, then all read again after a
 * restart on the same data directory.
 *
 * kcat reads records as lines, so keys and values are text without tabs or
 * newlines; its headers (-H) are the same for every record of one run and it
 * cannot set record timestamps. So each topic is produced in two runs (phase
 * a, phase b) with different headers, and the wall-clock instant between the
 * runs is the timestamp whose offset is known in advance: in every partition
 * it is the first record of phase b.
 */

const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const
type Codec = (typeof CODECS)[number]
const RECORDS = 10_000
const PHASE_B_FROM = 5_000
const PARTITIONS = 3
const DISTINCT_KEYS = 617
const RUN_MS = 20_000
const TEST_MS = 60_000

interface TextRecord {
  index: number
  key: string
  /** Null is a tombstone (an empty line value sent with -Z). */
  value: string | null
  phase: 'a' | 'b'
  partition: number
}

interface ReadLine {
  partition: number
  offset: number
  timestamp: number
  key: string
  headers: string
  value: string | null
}

/** What one codec's topic holds, for the offset checks and the reread after restart. */
interface Produced {
  topic: string
  byPartition: TextRecord[][]
  /** Phase a records per partition: the offset at which phase b starts. */
  phaseACounts: number[]
  /** A wall-clock instant after every phase a record was created and before any phase b one. */
  between: number
  /** Record timestamps as first read back, per partition, to compare after the restart. */
  timestamps: number[][]
}

const kcat = probe('kcat', ['-V'])

/** `kcat -V` names librdkafka's built-in features, including the codecs it was built with. */
function codecAvailability(codec: Codec): Availability {
  if (codec === 'none' || !kcat.available) return kcat
  const version = spawnSync('kcat', ['-V'], { encoding: 'utf8' }).stdout
  const features = /builtin\.features=(\S+)/.exec(version)?.[1]?.split(',') ?? []
  return features.includes(codec)
    ? { available: true, reason: '' }
    : { available: false, reason: `librdkafka built without ${codec}: ${features.join(',')}` }
}

function headersFor(phase: 'a' | 'b', codec: Codec): string[] {
  // a repeated name and non-ASCII text, so order and encoding are both visible
  return [`phase=${phase}`, `codec=${codec}`, 'note=ünïcode ✓', 'dup=1', 'dup=2']
}

/** Printable noise from a xorshift generator: text that compresses poorly. */
function noise(length: number, seed: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
  let x = seed | 1
  let out = ''
  for (let i = 0; i < length; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    out += alphabet[x & 63]
  }
  return out
}

function makeRecords(codec: Codec): TextRecord[] {
  const records: TextRecord[] = []
  for (let i = 0; i < RECORDS; i++) {
    const key = `key-${i % DISTINCT_KEYS}`
    let value: string | null
    if (i % 1999 === 7) value = null
    else if (i % 101 === 0) value = noise(64 + (i % 700), i + 1)
    else value = `{"seq":${i},"codec":"${codec}","note":"généré ✓","pad":"${'abc'.repeat(i % 97)}"}`
    records.push({
      index: i,
      key,
      value,
      phase: i < PHASE_B_FROM ? 'a' : 'b',
      partition: javaKeyPartition(Buffer.from(key, 'utf8'), PARTITIONS),
    })
  }
  return records
}

function commonArgs(bootstrap: string): string[] {
  return ['-b', bootstrap, '-m', '10', '-X', 'broker.address.family=v4']
}

async function produce(bootstrap: string, topic: string, codec: Codec, records: TextRecord[]): Promise<void> {
  const phase = records[0].phase
  const input = records.map((r) => `${r.key}\t${r.value ?? ''}\n`).join('')
  await runChecked(
    'kcat',
    [
      '-P',
      ...commonArgs(bootstrap),
      '-t',
      topic,
      '-K',
      '\\t',
      '-Z',
      ...headersFor(phase, codec).flatMap((h) => ['-H', h]),
      '-X',
      `compression.codec=${codec}`,
      // plain produce and read-back; test/compat/idempotence/ covers idempotent producers
      '-X',
      'enable.idempotence=false',
      '-X',
      'topic.partitioner=murmur2_random',
      '-X',
      'linger.ms=5',
    ],
    { input, timeoutMs: RUN_MS },
  )
}

/** One partition from `from` (an -o argument) to its end, parsed. */
async function consume(bootstrap: string, topic: string, partition: number, from = 'beginning') {
  const result = await runChecked(
    'kcat',
    [
      '-C',
      ...commonArgs(bootstrap),
      '-q',
      '-t',
      topic,
      '-p',
      String(partition),
      '-o',
      from,
      '-e',
      '-f',
      '%p\\t%o\\t%T\\t%k\\t%h\\t%S\\t%s\\n',
    ],
    { timeoutMs: RUN_MS },
  )
  const lines: ReadLine[] = []
  for (const line of result.stdout.split('\n')) {
    if (line === '') continue
    const fields = line.split('\t')
    if (fields.length !== 7) throw new Error(`unexpected kcat output line: ${line.slice(0, 200)}`)
    const [p, offset, timestamp, key, headers, size, value] = fields
    const nullValue = size === '-1'
    if (!nullValue && Buffer.byteLength(value, 'utf8') !== Number(size)) {
      throw new Error(`value size ${size} does not match the value printed at offset ${offset}`)
    }
    lines.push({
      partition: Number(p),
      offset: Number(offset),
      timestamp: Number(timestamp),
      key,
      headers,
      value: nullValue ? null : value,
    })
  }
  return lines
}

/** A record decoded by Sluice, in the form kcat prints. */
function asReadLine(r: ReadRecord): ReadLine {
  const text = (b: Buffer | null) => (b === null ? '' : b.toString('utf8'))
  return {
    partition: r.partition,
    offset: Number(r.offset),
    timestamp: r.timestamp,
    key: text(r.key),
    headers: r.headers.map(([name, value]) => `${name}=${text(value)}`).join(','),
    value: r.value === null ? null : text(r.value),
  }
}

/** `kcat -Q` for one timestamp in every partition: the offsets librdkafka got from ListOffsets. */
async function query(bootstrap: string, topic: string, timestamp: number): Promise<number[]> {
  const targets = Array.from({ length: PARTITIONS }, (_, p) => ['-t', `${topic}:${p}:${timestamp}`]).flat()
  const result = await runChecked('kcat', ['-Q', ...commonArgs(bootstrap), ...targets], {
    timeoutMs: RUN_MS,
  })
  const offsets: number[] = Array(PARTITIONS).fill(Number.NaN)
  for (const line of result.stdout.split('\n')) {
    const match = /^(\S+) \[(\d+)\] offset (-?\d+)$/.exec(line.trim())
    if (match && match[1] === topic) offsets[Number(match[2])] = Number(match[3])
  }
  return offsets
}

function describeLine(r: { key: string; value: string | null; headers: string }): string {
  return `key=${r.key} headers=${r.headers} value=${r.value === null ? '<null>' : r.value.slice(0, 80)}`
}

/**
 * Checks one partition read by kcat against the records that murmur2 sends
 * there, in produce order: offsets 0, 1, 2, ..., same key, value (or null)
 * and headers. Returns the timestamps read.
 */
function checkPartition(partition: number, read: ReadLine[], expected: TextRecord[], codec: Codec): number[] {
  for (let i = 0; i < Math.min(read.length, expected.length); i++) {
    const r = read[i]
    const e = expected[i]
    const where = `codec ${codec} partition ${partition} position ${i}`
    expect(r.partition, where).toBe(partition)
    expect(r.offset, `${where}: offsets must run 0, 1, 2, ...`).toBe(i)
    const want = { key: e.key, value: e.value, headers: headersFor(e.phase, codec).join(',') }
    if (describeLine(r) !== describeLine(want) || r.value !== e.value) {
      expect(describeLine(r), `${where}: differs from produced record ${e.index}`).toBe(describeLine(want))
      expect(r.value, `${where}: value differs from produced record ${e.index}`).toBe(e.value)
    }
  }
  expect(read.length, `codec ${codec} partition ${partition}: records read`).toBe(expected.length)
  return read.map((r) => r.timestamp)
}

/** Reads every partition from the beginning, checks it, and returns the timestamps read. */
async function readAll(
  bootstrap: string,
  topic: string,
  byPartition: TextRecord[][],
  codec: Codec,
): Promise<number[][]> {
  const reads = await Promise.all(byPartition.map((_, p) => consume(bootstrap, topic, p, 'beginning')))
  return reads.map((read, p) => checkPartition(p, read, byPartition[p], codec))
}

async function checkOffsets(bootstrap: string, produced: Produced): Promise<void> {
  const { topic, byPartition, phaseACounts, between } = produced
  // -2 and -1 are ListOffsets' earliest and latest
  expect(await query(bootstrap, topic, -2), 'earliest').toEqual([0, 0, 0])
  expect(await query(bootstrap, topic, -1), 'latest').toEqual(byPartition.map((records) => records.length))
  expect(await query(bootstrap, topic, between), 'first record after the pause').toEqual(phaseACounts)
  const firstTimestamp = Math.min(...produced.timestamps.map((ts) => ts[0]))
  expect(await query(bootstrap, topic, firstTimestamp - 3_600_000), 'before everything').toEqual([0, 0, 0])
  expect(await query(bootstrap, topic, Date.now() + 3_600_000), 'after everything').toEqual([-1, -1, -1])
}

/** Declares the kcat suite against `target`. */
export function kcatSuite(target: CompatTarget): void {
  describeWithClient(target === 'kafka' ? 'kcat [kafka]' : 'kcat', kcat, () => {
    const harness = new BrokerHarness(target)
    let broker: CompatBroker
    const produced = new Map<Codec, Produced>()

    beforeAll(async () => {
      // kcat cannot create topics: the broker auto-creates them with three partitions
      broker = await harness.start({ storage: 'disk', broker: { defaultPartitions: PARTITIONS } })
    })

    afterAll(() => harness.cleanup())

    for (const codec of CODECS) {
      itWithPart(
        `${codec}: produces 10,000 keyed records with headers and reads them back by partition`,
        `librdkafka codec ${codec}`,
        codecAvailability(codec),
        async () => {
          const topic = `kcat-${codec}`
          const records = makeRecords(codec)
          const phaseA = records.filter((r) => r.phase === 'a')
          const phaseB = records.filter((r) => r.phase === 'b')

          const startA = Date.now()
          await produce(broker.bootstrap, topic, codec, phaseA)
          const endA = Date.now()
          // clear millisecond gaps on both sides of `between`, so no record can share its timestamp
          await sleep(5)
          const between = Date.now()
          await sleep(5)
          const startB = Date.now()
          await produce(broker.bootstrap, topic, codec, phaseB)
          const endB = Date.now()

          const byPartition = Array.from({ length: PARTITIONS }, (_, p) =>
            records.filter((r) => r.partition === p),
          )
          // the keys must spread over every partition for the per-partition checks to mean anything
          for (const records of byPartition) expect(records.length).toBeGreaterThan(RECORDS / 5)
          const timestamps = await readAll(broker.bootstrap, topic, byPartition, codec)

          // librdkafka stamps create time when the record is produced; each phase's window bounds it
          for (let p = 0; p < PARTITIONS; p++) {
            timestamps[p].forEach((ts, i) => {
              const [from, to] = byPartition[p][i].phase === 'a' ? [startA, endA] : [startB, endB]
              if (ts < from || ts > to) {
                expect(ts, `partition ${p} offset ${i} timestamp outside its phase`).toBeGreaterThanOrEqual(
                  from,
                )
                expect(ts, `partition ${p} offset ${i} timestamp outside its phase`).toBeLessThanOrEqual(to)
              }
            })
          }
          // the batches as stored: the codec librdkafka really used, and Sluice's decoder reads them alike
          const stored = await readStoredBatches(broker.bootstrap, topic, PARTITIONS)
          checkStoredCodec(stored, CODEC_TYPES[codec], topic)
          for (let p = 0; p < PARTITIONS; p++) {
            const decoded = stored.records.filter((r) => r.partition === p).map(asReadLine)
            expect(checkPartition(p, decoded, byPartition[p], codec), `partition ${p} timestamps`).toEqual(
              timestamps[p],
            )
          }

          produced.set(codec, {
            topic,
            byPartition,
            phaseACounts: byPartition.map((records) => records.filter((r) => r.phase === 'a').length),
            between,
            timestamps,
          })
        },
        { timeoutMs: TEST_MS },
      )

      itWithPart(
        `${codec}: lists earliest, latest and by-timestamp offsets`,
        `librdkafka codec ${codec}`,
        codecAvailability(codec),
        async () => {
          const topic = produced.get(codec)
          if (!topic) throw new Error(`nothing was produced with ${codec}`)
          await checkOffsets(broker.bootstrap, topic)

          // a record's own timestamp finds, in every partition, the first record stamped at or after it
          for (let p = 0; p < PARTITIONS; p++) {
            const own = topic.timestamps[p]
            const probe = own[Math.floor(own.length / 3)]
            expect(await query(broker.bootstrap, topic.topic, probe), `record time ${probe}`).toEqual(
              topic.timestamps.map((ts) => ts.findIndex((t) => t >= probe)),
            )
          }

          // consuming from a timestamp (-o s@) starts at the first phase b record
          const fromTime = await Promise.all(
            topic.byPartition.map((_, p) => consume(broker.bootstrap, topic.topic, p, `s@${topic.between}`)),
          )
          fromTime.forEach((read, p) => {
            expect(read[0]?.offset, `partition ${p}`).toBe(topic.phaseACounts[p])
            expect(read.length, `partition ${p}`).toBe(topic.byPartition[p].length - topic.phaseACounts[p])
            expect(read[0]?.headers, `partition ${p}`).toBe(headersFor('b', codec).join(','))
          })
        },
        { timeoutMs: TEST_MS },
      )
    }

    it(
      'reads every topic again after a restart on the same data directory',
      async () => {
        expect(produced.size, 'topics produced before the restart').toBeGreaterThan(0)
        await broker.restart()
        await Promise.all(
          [...produced].map(async ([codec, topic]) => {
            const timestamps = await readAll(broker.bootstrap, topic.topic, topic.byPartition, codec)
            expect(timestamps, `${codec}: timestamps after the restart`).toEqual(topic.timestamps)
            await checkOffsets(broker.bootstrap, topic)
          }),
        )
      },
      TEST_MS,
    )
  })
}
