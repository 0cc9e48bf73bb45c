import type { Kafka } from '../../../src/index.js'

type ConsumerMetrics = ReturnType<ReturnType<Kafka['consumer']>['metrics']>

/** The consumer's own account of a run, for the notes under a table. */
export function describeSluiceMetrics(m: ConsumerMetrics): string {
  const pausedMs = m.partitions.reduce((n, p) => n + p.pausedMs, 0)
  return [
    `${m.processed} processed`,
    `handler avg ${(m.averageHandlerMs * 1000).toFixed(1)} µs`,
    `buffered now ${m.bufferedRecords} records / ${(m.bufferedBytes / 1024).toFixed(0)} KiB of ${(m.maxBufferedBytes / 2 ** 20).toFixed(0)} MiB`,
    `partitions paused by full buffers ${pausedMs.toFixed(0)} ms in all`,
    `${m.commits} commits (avg ${m.averageCommitMs.toFixed(1)} ms)`,
    `${m.rebalances} rebalance(s), ${m.rebalanceMsTotal.toFixed(0)} ms`,
  ].join(', ')
}
