/**
 * Child process for the kill test: appends to a disk log with fsync 'always'
 * and prints `<base offset> <tag>` for each batch only after flush() resolved,
 * which is the moment the broker would acknowledge it. It never stops on its
 * own; the test kills it with SIGKILL.
 */
import { DiskPartitionLog } from '../../../../src/broker/log/disk-log.js'
import { makeBatch } from './batches.js'

const dir = process.argv[2]
if (!dir) throw new Error('usage: append-until-killed <dir>')
const log = await DiskPartitionLog.open({
  dir,
  retention: { retentionMs: -1, retentionBytes: -1 },
  segment: { segmentBytes: 4096, segmentMs: 1e12, indexIntervalBytes: 256 },
  fsync: 'always',
  flushIntervalMs: 1000,
})
let tag = log.logEndOffset
for (;;) {
  // several appends per fsync, as concurrent produce requests would make
  const acks: string[] = []
  for (let i = 0; i < 1 + (tag % 3); i++, tag++) {
    const { batch, info } = makeBatch({ records: 1 + (tag % 4), valueBytes: 8 + ((tag * 37) % 300), tag })
    acks.push(`${log.append(batch, info)} ${tag}`)
  }
  await log.flush()
  process.stdout.write(`${acks.join('\n')}\n`)
}
