// A live stats printout of a small pipeline: a fetcher feeds a bounded
// channel, a consumer hands each message to a KeyedExecutor (in order per key,
// 8 at a time), and a Watermarks gate pauses the fetcher when the channel gets
// full and resumes it once it has drained, the way a Kafka consumer pauses and
// resumes partitions. The load changes halfway through; every 250 ms a line
// shows what each stage is doing.
//
//   npx tsx examples/flow/live-stats.ts
import { Channel, KeyedExecutor, sleep, Watermarks } from '../../src/flow/index.js'

interface Message {
  key: string
  offset: number
  value: Buffer
}

const started = performance.now()
const elapsed = () => `${(performance.now() - started).toFixed(0).padStart(5)} ms`

const buffer = new Channel<Message>({
  capacity: 200,
  capacityBytes: 256 * 1024,
  sizeOf: (m) => m.value.length,
})
let resume: (() => void) | undefined
let resumed: Promise<void> = Promise.resolve()
const gate = new Watermarks({
  high: 150,
  low: 50,
  onChange: (paused, level) => {
    console.log(`${elapsed()}  ${paused ? 'pause' : 'resume'} fetching at depth ${level}`)
    if (paused) resumed = new Promise((resolve) => (resume = resolve))
    else resume?.()
  },
})
// a short queue, so that when processing slows the executor pushes back on
// the consumer, the consumer stops draining the channel, and the gate pauses
const executor = new KeyedExecutor<string>({ concurrency: 8, maxQueued: 32 })

let fetching = true
const fetcher = (async () => {
  let offset = 0
  while (fetching) {
    gate.update(buffer.depth)
    if (gate.paused) await resumed
    // a "fetch" returns 25 messages over 20 keys, 1 KiB each
    for (let i = 0; i < 25; i++, offset++) {
      await buffer.send({ key: `user-${offset % 20}`, offset, value: Buffer.alloc(1024) })
    }
    // about 1,600 messages a second: less than the consumer manages at first, more than it manages later
    await sleep(15)
  }
  buffer.close()
})()

let workMs = 3
const consumer = (async () => {
  for await (const message of buffer) {
    gate.update(buffer.depth)
    await executor.submit(message.key, () => sleep(workMs + (message.offset % 3)))
  }
  await executor.drain()
})()

const printer = setInterval(() => {
  const ch = buffer.stats()
  const ex = executor.stats()
  const marks = gate.stats()
  console.log(
    `${elapsed()}  depth ${String(ch.depth).padStart(3)} (${(ch.bytes / 1024).toFixed(0).padStart(3)} KiB, max ${ch.maxDepth})` +
      `  sent ${String(ch.sent).padStart(5)}  received ${String(ch.received).padStart(5)}` +
      `  sender waits ${String(ch.sendWaits).padStart(3)} (${ch.sendWaitMs.toFixed(0)} ms)` +
      `  running ${ex.running} queued ${String(ex.queued).padStart(3)} done ${String(ex.completed).padStart(5)}` +
      `  ${marks.paused ? 'PAUSED' : 'flowing'} (${marks.pauses} pauses, ${marks.pausedMs.toFixed(0)} ms paused)`,
  )
}, 250)

await sleep(1200)
console.log(`${elapsed()}  -- the work per message slows from ~4 ms to ~16 ms --`)
workMs = 15
await sleep(1300)
fetching = false
await fetcher
await consumer
clearInterval(printer)

const final = buffer.stats()
console.log(
  `\nfetched ${final.sent}, processed ${executor.stats().completed}, dropped ${Object.values(final.dropped).reduce((a, b) => a + b)}; ` +
    `the buffer never held more than ${final.maxDepth} messages (${(final.maxBytes / 1024).toFixed(0)} KiB)`,
)
