// A fast producer and a slow consumer, twice: over an unbounded array (the
// producer never waits, so everything it makes piles up in memory) and over a
// Channel with 'suspend' (the producer waits for room, so at most `capacity`
// items are ever held and memory stays flat).
//
//   npx tsx examples/flow/unbounded-vs-channel.ts
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { Channel, sleep } from '../../src/flow/index.js'

// Collect garbage before each sample so the numbers show what is alive, not
// what is merely not yet collected (the usual way to reach gc() without a flag).
setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

const ITEMS = 40_000
const ITEM_BYTES = 1024
const CAPACITY = 500

const makeItem = (i: number) => ({ id: i, payload: Buffer.alloc(ITEM_BYTES, i % 256) })
type Item = ReturnType<typeof makeItem>

/** The slow side: about 100 items per millisecond at best. */
async function consumeSlowly(take: () => Promise<Item | undefined>): Promise<number> {
  let count = 0
  for (let item = await take(); item !== undefined; item = await take()) {
    if (++count % 100 === 0) await sleep(1)
  }
  return count
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`

function sampler(depth: () => number) {
  let peakDepth = 0
  let peakHeap = 0
  const lines: string[] = []
  const started = performance.now()
  const timer = setInterval(() => {
    gc()
    const { heapUsed, arrayBuffers } = process.memoryUsage()
    const heap = heapUsed + arrayBuffers
    peakDepth = Math.max(peakDepth, depth())
    peakHeap = Math.max(peakHeap, heap)
    if (lines.length < 6) {
      lines.push(
        `    t=${(performance.now() - started).toFixed(0).padStart(4)} ms  queued ${String(depth()).padStart(6)}  live heap+buffers ${mib(heap)}`,
      )
    }
  }, 50)
  return {
    stop() {
      clearInterval(timer)
      return { peakDepth, peakHeap, lines }
    },
  }
}

async function overUnboundedArray() {
  const queue: Item[] = []
  let done = false
  let wake: (() => void) | undefined
  const sample = sampler(() => queue.length)
  const producing = (async () => {
    for (let i = 0; i < ITEMS; i++) {
      queue.push(makeItem(i))
      wake?.()
      // yield now and then so the consumer gets to run at all
      if (i % 1000 === 0) await sleep(0)
    }
    done = true
    wake?.()
  })()
  const received = await consumeSlowly(async () => {
    while (queue.length === 0 && !done) await new Promise<void>((resolve) => (wake = resolve))
    return queue.shift()
  })
  await producing
  return { received, ...sample.stop() }
}

async function overChannel() {
  const ch = new Channel<Item>({ capacity: CAPACITY })
  const sample = sampler(() => ch.depth)
  const producing = (async () => {
    for (let i = 0; i < ITEMS; i++) {
      await ch.send(makeItem(i))
      if (i % 1000 === 0) await sleep(0)
    }
    ch.close()
  })()
  const items = ch[Symbol.asyncIterator]()
  const received = await consumeSlowly(async () => (await items.next()).value)
  await producing
  return { received, stats: ch.stats(), ...sample.stop() }
}

console.log(`${ITEMS} items of ${ITEM_BYTES} B from a fast producer to a slow consumer\n`)
const unbounded = await overUnboundedArray()
console.log('over an unbounded array:')
console.log(unbounded.lines.join('\n'))
console.log(
  `  received ${unbounded.received}, most queued at once ${unbounded.peakDepth}, peak live heap+buffers ${mib(unbounded.peakHeap)}\n`,
)

gc()

const bounded = await overChannel()
console.log(`over a Channel({ capacity: ${CAPACITY} }) with 'suspend':`)
console.log(bounded.lines.join('\n'))
console.log(
  `  received ${bounded.received}, most queued at once ${bounded.stats.maxDepth}, peak live heap+buffers ${mib(bounded.peakHeap)}`,
)
console.log(
  `  the producer waited ${bounded.stats.sendWaits} times, ${bounded.stats.sendWaitMs.toFixed(0)} ms in all; nothing was dropped (${bounded.stats.sent} sent, ${bounded.stats.received} received)`,
)
