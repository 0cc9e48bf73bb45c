import { afterEach, describe, expect, it } from 'vitest'
import { type DemoRun, startDemo } from '../../../src/cli/demo/demo.js'
import type { LiveSnapshot } from '../../../src/cli/live/live-snapshot.js'

async function until(run: DemoRun, what: string, check: (s: LiveSnapshot) => boolean, timeoutMs = 15_000) {
  const started = Date.now()
  for (;;) {
    const s = run.feed.latest()
    if (s && check(s)) return s
    if (Date.now() - started > timeoutMs)
      throw new Error(`timed out waiting for ${what}: ${JSON.stringify(s)}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

describe('startDemo driven by its keys', () => {
  let run: DemoRun | undefined
  afterEach(async () => {
    await run?.stop()
  })

  it('adds and removes a consumer, drops by policy after an overflow switch, and loses nothing', async () => {
    run = await startDemo({
      rate: 3000,
      handlerMs: 40,
      concurrency: 16,
      consumerBudgetBytes: 256 << 10,
      drainTimeoutSeconds: 15,
    })
    expect(run.bootstrap).toMatch(/^127\.0\.0\.1:\d+$/)
    await until(run, 'records processed', (s) => s.consumer.processed > 0)
    expect(run.act('add-consumer')).toMatch(/adding a consumer/)
    const two = await until(
      run,
      'two members sharing the partitions',
      (s) => s.consumer.members === 2 && s.consumer.partitions === 6 && !s.demo!.changingMembers,
    )
    expect(two.demo!.rebalances).toBeGreaterThanOrEqual(2)
    // 2 x 16 at 40 ms is 800/s against 3000/s: the buffers fill; drop-oldest makes room by dropping
    expect(run.act('next-overflow')).toMatch(/overflow drop-oldest/)
    await until(
      run,
      'records dropped by drop-oldest',
      (s) => s.consumer.overflow === 'drop-oldest' && s.consumer.drops > 0,
    )
    expect(run.act('remove-consumer')).toMatch(/removing/)
    await until(
      run,
      'one member left',
      (s) => s.consumer.members === 1 && s.consumer.partitions === 6 && !s.demo!.changingMembers,
    )
    expect(run.act('faster-handler')).toBe('handler 27 ms per record')
    const summary = await run.stop()
    if (process.env.DEMO_SUMMARY) console.log(summary)
    expect(summary).toMatchObject({ ok: true, lost: 0, committedPastUnfinished: 0, drained: true })
    expect(summary.droppedByPolicy).toBeGreaterThan(0)
    expect(summary.consumed + summary.droppedByPolicy + summary.skipped).toBeGreaterThanOrEqual(
      summary.acknowledged,
    )
    // the first join, the second member, two overflow replacements, the removal: each gave partitions
    expect(summary.rebalances).toBeGreaterThanOrEqual(4)
    expect(summary.withinBudget).toBe(true)
  }, 60_000)
})
