import v8 from 'node:v8'
import vm from 'node:vm'
import { describe, expect, it } from 'vitest'
import { decodeFetched } from '../../../../src/client/consumer/fetch/fetched-records.js'
import { encodeRecordBatch } from '../../../../src/protocol/records/index.js'

/**
 * maxBufferedBytes bounds the consumer's memory only if what a buffered
 * record counts covers what it costs: its heap (object, Buffer views, key
 * text) and the fetched bytes it keeps alive. Small records are the worst
 * case (the reliability overload scenario found a buffer of 200-byte records
 * using about twice its budget when the per-record overhead counted 96).
 */

v8.setFlagsFromString('--expose-gc')
const gc = vm.runInNewContext('gc') as () => void

function fetchAnswer(records: number, valueBytes: number): Buffer {
  const batches: Buffer[] = []
  for (let base = 0; base < records; base += 500) {
    const batch = Array.from({ length: 500 }, (_, i) => ({
      key: Buffer.from(`k${(base + i) % 1000}`),
      value: Buffer.alloc(valueBytes, 46),
    }))
    batches.push(encodeRecordBatch(batch, { baseOffset: BigInt(base) }))
  }
  return Buffer.concat(batches)
}

describe('what a fetched record counts against the buffers', () => {
  for (const valueBytes of [0, 10, 200]) {
    it(`covers its real cost with ${valueBytes}-byte values`, () => {
      const wire = fetchAnswer(20_000, valueBytes)
      gc()
      gc()
      const before = process.memoryUsage().heapUsed
      const { records } = decodeFetched(wire, 0, null)
      gc()
      gc()
      const heap = process.memoryUsage().heapUsed - before
      const counted = records.reduce((sum, r) => sum + r.size, 0)
      expect(records).toHaveLength(20_000)
      // the wire bytes stay alive as long as the records viewing them
      expect(counted).toBeGreaterThanOrEqual(heap + wire.length)
      // and not so much more that the budget holds far fewer records than it could
      expect(counted).toBeLessThan(2 * (heap + wire.length))
    })
  }
})
