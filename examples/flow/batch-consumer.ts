// A batch consumer: items arrive irregularly (bursts, trickles, pauses) and
// are processed in batches of up to 25, or whatever has gathered once the
// oldest item has waited 50 ms in the batcher. Full batches go at once; a
// trickle is never held longer than 50 ms; what is left goes when the input
// ends.
//
//   npx tsx examples/flow/batch-consumer.ts
import { batch, Channel, sleep } from '../../src/flow/index.js'

const orders = new Channel<{ id: number; at: number }>({ capacity: 100 })
const started = performance.now()
const now = () => performance.now() - started

const producing = (async () => {
  let id = 0
  // a burst of 60, a trickle of 10 (one every 15 ms), a pause, then 7 more
  for (let i = 0; i < 60; i++) await orders.send({ id: id++, at: now() })
  for (let i = 0; i < 10; i++) {
    await sleep(15)
    await orders.send({ id: id++, at: now() })
  }
  await sleep(200)
  for (let i = 0; i < 7; i++) await orders.send({ id: id++, at: now() })
  orders.close()
})()

for await (const group of batch(orders, { maxItems: 25, maxWaitMs: 50 })) {
  const why =
    group.length === 25 ? 'full' : orders.closed && orders.depth === 0 ? 'input ended' : 'waited 50 ms'
  console.log(
    `${now().toFixed(0).padStart(4)} ms  batch of ${String(group.length).padStart(2)} ` +
      `(ids ${group[0].id}..${group.at(-1)!.id}), first one sent ${(now() - group[0].at).toFixed(0)} ms ago  [${why}]`,
  )
  // pretend to write the batch somewhere
  await sleep(5)
}
await producing
