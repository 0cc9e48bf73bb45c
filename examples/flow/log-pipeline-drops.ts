// A log pipeline under overload: the application logs in bursts far faster
// than the shipper can send, and blocking the application on its logger would
// be worse than losing some lines. A Channel with 'drop-oldest' keeps the most
// recent 500 lines, counts every line it throws away, and hands each one to
// onDrop, which here tallies them by level for a summary line of its own.
//
//   npx tsx examples/flow/log-pipeline-drops.ts
import { batch, Channel, sleep } from '../../src/flow/index.js'

interface LogLine {
  seq: number
  level: 'debug' | 'info' | 'warn' | 'error'
  message: string
}

const droppedByLevel = new Map<string, number>()
const lines = new Channel<LogLine>({
  capacity: 500,
  overflow: 'drop-oldest',
  onDrop: (line) => droppedByLevel.set(line.level, (droppedByLevel.get(line.level) ?? 0) + 1),
})

const levels: LogLine['level'][] = ['debug', 'debug', 'debug', 'info', 'info', 'warn', 'error']
let seq = 0
const app = (async () => {
  // five bursts of 2,000 lines, 50 ms apart: the logger never waits
  for (let burst = 0; burst < 5; burst++) {
    for (let i = 0; i < 2000; i++) {
      const level = levels[seq % levels.length]
      await lines.send({ seq, level, message: `request ${seq} handled` })
      seq++
    }
    await sleep(50)
  }
  lines.close()
})()

// the shipper: batches of up to 100 lines, one batch every 20 ms at best
let shipped = 0
let lastSeq = -1
let batches = 0
for await (const chunk of batch(lines, { maxItems: 100, maxWaitMs: 10 })) {
  if (chunk[0].seq > lastSeq + 1) {
    console.log(`  gap before line ${chunk[0].seq}: lines ${lastSeq + 1}..${chunk[0].seq - 1} were dropped`)
  }
  lastSeq = chunk.at(-1)!.seq
  shipped += chunk.length
  batches++
  await sleep(20)
}
await app

const stats = lines.stats()
console.log(
  `\nlogged ${stats.sent}, shipped ${shipped} in ${batches} batches, dropped ${stats.dropped.oldest} (oldest first)`,
)
console.log(`dropped by level: ${[...droppedByLevel].map(([level, n]) => `${level} ${n}`).join(', ')}`)
console.log(
  `the channel never held more than ${stats.maxDepth} lines; sent = shipped + dropped: ${stats.sent === shipped + stats.dropped.oldest}`,
)
