// A rate-limited producer: at most 20 messages and 1,000 bytes per second,
// with bursts of 5 messages and 1,000 bytes allowed after a quiet spell.
// acquire(n, bytes) waits until both budgets allow the message, so the
// producer is slowed to the rate rather than refused: small messages go at the
// message rate, large ones wait for the byte budget.
//
//   npx tsx examples/flow/rate-limited-producer.ts
import { RateLimiter } from '../../src/flow/index.js'

const limiter = new RateLimiter({ perSecond: 20, burst: 5, bytesPerSecond: 1000, burstBytes: 1000 })
const started = performance.now()
const elapsed = () => (performance.now() - started).toFixed(0).padStart(5)

let bytes = 0
for (let i = 0; i < 20; i++) {
  // mostly small messages, with a few large ones that the byte budget holds back
  const size = i % 5 === 4 ? 800 : 50
  await limiter.acquire(1, size)
  bytes += size
  console.log(`${elapsed()} ms  sent message ${String(i).padStart(2)} (${size} B)`)
}
const seconds = (performance.now() - started) / 1000
const stats = limiter.stats()
console.log(
  `\n20 messages, ${bytes} B in ${seconds.toFixed(2)} s: ${(20 / seconds).toFixed(1)} messages/s, ` +
    `${(bytes / seconds).toFixed(0)} B/s; ${stats.waits} sends waited, ${stats.waitMs.toFixed(0)} ms in all`,
)
console.log(
  'the first 5 went at once (the bursts); then one every 50 ms, except that each 800 B message waits for the byte budget',
)
