import { expect, it } from 'vitest'
import { startDemo } from '../../../src/cli/demo/demo.js'
import { describeEachTarget } from '../../kafka/targets.js'

/**
 * `sluice demo --brokers` against Apache Kafka, the reference: the same
 * pipeline and ledger as on the embedded broker. The second run finds the
 * topic with the first run's records in it and must account for its own
 * records only.
 */
describeEachTarget('the demo against Kafka', { targets: ['kafka'] }, (target) => {
  it('loses nothing through injected failures, twice on the same topic', async () => {
    for (const round of [1, 2]) {
      const run = await startDemo({
        brokers: target().bootstrap,
        topic: 'demo-kafka-orders',
        durationSeconds: 10,
        failAtSeconds: 3,
        failForSeconds: 2,
        rate: 1000,
        handlerMs: 10,
        consumerBudgetBytes: 512 << 10,
        drainTimeoutSeconds: 20,
      })
      expect(run.bootstrap).toBe(target().bootstrap)
      const summary = await run.finished
      expect(summary, `round ${round}`).toMatchObject({
        ok: true,
        lost: 0,
        committedPastUnfinished: 0,
        drained: true,
        duplicates: 0,
        withinBudget: true,
      })
      expect(summary.acknowledged).toBeGreaterThan(5000)
      expect(summary.consumed).toBe(summary.acknowledged)
      expect(summary.breakerOpens).toBeGreaterThanOrEqual(1)
      expect(summary.breakerCloses).toBeGreaterThanOrEqual(1)
    }
  }, 120_000)
})
