// Priority-aware dropping: when the buffer is full, routine events are
// dropped (and counted) so the producer keeps going, while important ones
// wait for room instead: none of them is ever lost. trySend says whether an
// event fits without waiting; only the producer knows what each is worth, so
// the choice is made there.
//
//   npx tsx examples/flow/priority-dropping.ts
import { Channel, sleep } from '../../src/flow/index.js'

type Priority = 'critical' | 'normal' | 'low'
interface Event {
  id: number
  priority: Priority
}

const events = new Channel<Event>({ capacity: 50 })
const offered = { critical: 0, normal: 0, low: 0 }
const dropped = { critical: 0, normal: 0, low: 0 }
const delivered = { critical: 0, normal: 0, low: 0 }
let waitedForRoom = 0

async function publish(event: Event): Promise<void> {
  offered[event.priority]++
  if (events.trySend(event)) return
  if (event.priority === 'critical') {
    // worth waiting for: backpressure, never loss
    waitedForRoom++
    await events.send(event)
    return
  }
  // normal events get a short grace period, low ones none at all
  if (event.priority === 'normal') {
    const signal = AbortSignal.timeout(2)
    try {
      await events.send(event, { signal })
      return
    } catch {
      // gave up waiting
    }
  }
  dropped[event.priority]++
}

const producing = (async () => {
  for (let id = 0; id < 3000; id++) {
    const roll = id % 20
    const priority: Priority = roll === 0 ? 'critical' : roll < 6 ? 'normal' : 'low'
    await publish({ id, priority })
    if (id % 200 === 0) await sleep(1)
  }
  events.close()
})()

// a consumer that manages about 10 events per millisecond at best
let n = 0
for await (const event of events) {
  delivered[event.priority]++
  if (++n % 10 === 0) await sleep(1)
}
await producing

for (const priority of ['critical', 'normal', 'low'] as const) {
  console.log(
    `${priority.padEnd(8)} offered ${String(offered[priority]).padStart(4)}  delivered ${String(delivered[priority]).padStart(4)}  dropped ${String(dropped[priority]).padStart(4)}`,
  )
}
console.log(
  `\ncritical events waited for room ${waitedForRoom} times and none was dropped: ${dropped.critical === 0}`,
)
console.log(`channel: ${JSON.stringify(events.stats(), ['sent', 'received', 'maxDepth', 'sendWaits'])}`)
