import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { DiskPartitionLog } from '../../../src/broker/log/disk-log.js'
import { readBatchHeader } from '../../../src/protocol/records/batch-header.js'
import { tagOf } from './support/batches.js'
import { NO_RETENTION } from './support/partition-log-behaviour.js'
import { useTempDirs } from './support/temp-dir.js'

const tempDir = useTempDirs()
const child = fileURLToPath(new URL('./support/append-until-killed.ts', import.meta.url))

/** Runs the appending child until it has acknowledged at least `acks` batches, then SIGKILLs it. */
function runAndKill(dir: string, acks: number): Promise<Map<number, number>> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const acked = new Map<number, number>()
    let pending = ''
    let stderr = ''
    proc.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    proc.stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString()
      const lines = pending.split('\n')
      pending = lines.pop()!
      for (const line of lines) {
        const [base, tag] = line.split(' ').map(Number)
        acked.set(base, tag)
      }
      if (acked.size >= acks) proc.kill('SIGKILL')
    })
    proc.on('error', reject)
    proc.on('exit', (_code, signal) => {
      if (signal === 'SIGKILL') resolve(acked)
      else reject(new Error(`child exited on its own: ${stderr}`))
    })
  })
}

describe('DiskPartitionLog killed with SIGKILL', () => {
  it('serves every batch acknowledged after flush, and nothing corrupt, across repeated kills', async () => {
    const dir = tempDir()
    const acknowledged = new Map<number, number>()
    for (const acks of [150, 40, 400]) {
      for (const [base, tag] of await runAndKill(dir, acks)) acknowledged.set(base, tag)
      const log = await DiskPartitionLog.open({
        dir,
        retention: NO_RETENTION,
        segment: { segmentBytes: 4096, segmentMs: 1e12, indexIntervalBytes: 256 },
        fsync: 'never',
        flushIntervalMs: 1000,
      })
      for (const [base, tag] of acknowledged) {
        const [batch] = log.read(base, 1)
        expect(readBatchHeader(batch).baseOffset).toBe(BigInt(base))
        expect(tagOf(batch)).toBe(tag)
      }
      // everything served decodes (which checks each CRC) and the offsets follow on
      let expected = 0
      for (const batch of log.read(0, Number.MAX_SAFE_INTEGER)) {
        const header = readBatchHeader(batch)
        expect(header.baseOffset).toBe(BigInt(expected))
        tagOf(batch)
        expected += header.lastOffsetDelta + 1
      }
      expect(expected).toBe(log.logEndOffset)
      await log.close()
    }
  }, 60_000)
})
