import { setTimeout as sleep } from 'node:timers/promises'
import { Kafka } from '../../../src/index.js'
import { peakRssBytes, runChild, startWindow } from '../../support/child-runtime.js'
import type { OverloadConfig, OverloadReport, OverloadSample } from './overload-protocol.js'
import { RecordTally } from './record-tally.js'
import { nextStopCommand } from './stdin-commands.js'

/**
 * The Sluice consumer under overload: a handler that takes `handlerMs` per
 * record (a timer, as an I/O call would), on the consumer's defaults for
 * everything else, including its buffers (maxBufferedBytes 64 MiB) and
 * overflow 'pause'. It samples its own RSS and metrics four times a second.
 */

const SAMPLE_MS = 250

await runChild(async (config: OverloadConfig): Promise<OverloadReport> => {
  const window = startWindow()
  const tally = new RecordTally(config.partitions, Number.MAX_SAFE_INTEGER)
  const kafka = new Kafka({ brokers: config.bootstrap, clientId: 'bench-sluice-overload', logger: 'warn' })
  const consumer = kafka.consumer({
    groupId: config.groupId,
    topics: [config.topic],
    fromBeginning: true,
    concurrency: config.concurrency,
  })
  let assigned: () => void = () => {}
  const holding = new Promise<void>((resolve) => {
    assigned = resolve
  })
  consumer.on('rebalance', (event) => {
    if (event.type === 'assigned' && event.partitions.length > 0) assigned()
  })
  const running = consumer.run(async (m) => {
    await sleep(config.handlerMs)
    tally.add(m.partition, Number(m.offset))
  })
  const ended = running.then(() => Promise.reject(new Error('run() ended early')))
  await Promise.race([holding, ended])
  await sleep(1000)
  const baselineRssBytes = process.memoryUsage.rss()
  process.stdout.write(`READY ${JSON.stringify({ baselineRssBytes })}\n`)

  const samples: OverloadSample[] = []
  const started = performance.now()
  const sample = () => {
    const m = consumer.metrics()
    samples.push({
      atMs: performance.now() - started,
      rssBytes: process.memoryUsage.rss(),
      bufferedBytes: m.bufferedBytes,
      bufferedRecords: m.bufferedRecords,
      totalLag: m.totalLag,
      processed: m.processed,
    })
  }
  const timer = setInterval(sample, SAMPLE_MS)
  await Promise.race([nextStopCommand(), ended])
  clearInterval(timer)
  sample()
  const metrics = consumer.metrics()
  await consumer.close()
  await running
  return {
    ...tally.report(),
    baselineRssBytes,
    maxBufferedBytesOption: metrics.maxBufferedBytes,
    samples,
    pausedMs: metrics.partitions.reduce((n, p) => n + p.pausedMs, 0),
    peakRssBytes: peakRssBytes(),
    cpuSeconds: window.finish().cpuSeconds,
    method: `run(async: setTimeout ${config.handlerMs} ms), ordering 'partition', concurrency ${config.concurrency}, defaults otherwise`,
  }
})
