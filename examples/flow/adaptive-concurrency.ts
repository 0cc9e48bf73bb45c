// Adaptive concurrency against a downstream whose capacity nobody told us,
// and which halves halfway through. It serves up to `capacity` calls at once
// in 10 ms; beyond that, calls queue inside it (latency grows with the
// excess), and beyond 3 × capacity at once it fails them. AdaptiveConcurrency
// learns a limit from what it sees: from latency rising against its long-run
// value (GradientLimit, the default), or from latency over a fixed threshold
// and from errors (AimdLimit). 200 callers keep calling, far more than the
// downstream can take; the limiter is what keeps them from piling in.
//
//   npx tsx examples/flow/adaptive-concurrency.ts
import { AdaptiveConcurrency, AimdLimit, GradientLimit, sleep } from '../../src/flow/index.js'

const PHASE_MS = 1000

function downstream(started: number) {
  let inFlight = 0
  return async () => {
    const capacity = performance.now() - started < PHASE_MS ? 20 : 10
    inFlight++
    try {
      if (inFlight > 3 * capacity) {
        await sleep(2)
        throw new Error('503 overloaded')
      }
      await sleep(10 * Math.max(1, inFlight / capacity))
    } finally {
      inFlight--
    }
  }
}

async function drive(name: string, limiter: AdaptiveConcurrency): Promise<void> {
  const started = performance.now()
  const call = downstream(started)
  const ok = [0, 0]
  const failed = [0, 0]
  const trace: number[] = []
  const sampler = setInterval(() => trace.push(limiter.limit), 100)
  await Promise.all(
    Array.from({ length: 200 }, async () => {
      for (;;) {
        const phase = performance.now() - started < PHASE_MS ? 0 : 1
        if (performance.now() - started >= 2 * PHASE_MS) return
        try {
          await limiter.run(call)
          ok[phase]++
        } catch {
          failed[phase]++
        }
      }
    }),
  )
  clearInterval(sampler)
  console.log(`${name}`)
  console.log(`  limit every 100 ms: ${trace.join(' ')}`)
  for (const phase of [0, 1]) {
    console.log(
      `  capacity ${phase === 0 ? 20 : 10}: ${ok[phase]} calls ok (${((ok[phase] * 1000) / PHASE_MS).toFixed(0)}/s, ` +
        `best possible ${phase === 0 ? 2000 : 1000}/s), ${failed[phase]} failed`,
    )
  }
}

console.log('downstream: 20 calls at once for the first second, then 10; 10 ms per call below that\n')
await drive(
  'GradientLimit (tolerance 1.5), starting at 10',
  new AdaptiveConcurrency({ algorithm: new GradientLimit() }),
)
await drive(
  'AimdLimit (latency threshold 15 ms), starting at 10',
  new AdaptiveConcurrency({ algorithm: new AimdLimit({ latencyThresholdMs: 15 }) }),
)
console.log('\nfor comparison, no limit at all:')
{
  const started = performance.now()
  const call = downstream(started)
  let ok = 0
  let failed = 0
  await Promise.all(
    Array.from({ length: 200 }, async () => {
      while (performance.now() - started < 2 * PHASE_MS) {
        try {
          await call()
          ok++
        } catch {
          failed++
        }
      }
    }),
  )
  console.log(`  ${ok} calls ok, ${failed} failed: the callers overwhelm it`)
}
