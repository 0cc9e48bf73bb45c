// A consumer behind a circuit breaker while its downstream fails. The
// downstream (a pretend payment API) is down from 200 ms to 700 ms. After 3
// failures in a row the breaker opens; the consumer stops calling and waits
// for the breaker's retry-after instead of hammering a service that is down,
// and the messages wait in the channel (nothing is lost). After 150 ms a
// probe goes through; once the downstream is back, the circuit closes.
//
//   npx tsx examples/flow/circuit-breaker-consumer.ts
import { Channel, CircuitBreaker, CircuitOpenError, retry, sleep } from '../../src/flow/index.js'

const started = performance.now()
const elapsed = () => `${(performance.now() - started).toFixed(0).padStart(4)} ms`

let downstreamCalls = 0
async function chargeCard(orderId: number): Promise<string> {
  downstreamCalls++
  await sleep(5)
  const t = performance.now() - started
  if (t > 200 && t < 700) throw new Error('payment API: 503 Service Unavailable')
  return `receipt-${orderId}`
}

const breaker = new CircuitBreaker({ failureThreshold: 3, openMs: 150 })
breaker.on('state', (to, from) => console.log(`${elapsed()}  circuit ${from} -> ${to}`))

const orders = new Channel<number>({ capacity: 20 })
const producing = (async () => {
  for (let id = 1; id <= 80; id++) {
    await orders.send(id)
    await sleep(10)
  }
  orders.close()
})()

const receipts: string[] = []
let refusals = 0
for await (const id of orders) {
  // each order is retried until it goes through: a failed call backs off a
  // little, and an open circuit's refusal makes retry wait out its retryAfterMs
  // instead of calling again
  const receipt = await retry(
    () =>
      breaker
        .run(() => chargeCard(id))
        .catch((error: unknown) => {
          if (error instanceof CircuitOpenError) refusals++
          throw error
        }),
    { attempts: 50, backoff: { initialMs: 10, maxMs: 50 } },
  )
  receipts.push(receipt)
}
await producing

const stats = breaker.stats()
console.log(
  `\n${receipts.length} of 80 orders charged, in order: ${receipts.every((r, i) => r === `receipt-${i + 1}`)}`,
)
console.log(
  `downstream called ${downstreamCalls} times (${stats.failures} failed); ${refusals} calls were refused ` +
    `by the open circuit without touching it; the circuit opened ${stats.opens} times`,
)
console.log(`orders waited in the channel meanwhile: at most ${orders.stats().maxDepth} held`)
