import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import type { AckProducerConfig, AckProducerResult } from '../../children/ack-producer.js'
import type { LoggingConsumerConfig, LoggingConsumerResult } from '../../children/logging-consumer.js'
import { ClientProcess } from '../../support/client-process.js'
import { MemoryWatch, residentBytes } from '../../support/memory-watch.js'
import { readTopic } from '../../support/read-topic.js'
import { readRecordLog } from '../../support/record-log.js'
import {
  check,
  type RunOptions,
  type Scenario,
  type ScenarioResult,
  type TargetName,
} from '../../support/scenario.js'
import { OffsetProbe, sampleLag, totalLag } from './offsets.js'
import { startOverloadBroker } from './target.js'
import { judge, quarters } from './verdict.js'

/**
 * Scenario 6, overload: a producer about 100 times faster than the
 * consumer's handler for the whole window (10 minutes; 30 s short). The
 * consumer must hold back at its buffers (RSS under its warmed-up baseline +
 * maxBufferedBytes + 10 %), the producer at its own (baseline + bufferBytes
 * + 10 %), the lag must grow at the broker instead, and nothing may be lost:
 * after the window the producer stops, the slow consumer closes gracefully
 * (drains what is in its handler, commits) and the checker compares kcat's
 * copy of the topic with the ack log, the processed log and the committed
 * offsets (kafkajs). Draining the whole backlog at 1/100 of the rate would
 * take 100 windows, so the records above the committed offsets are lag, by
 * design, and only those below them must all have been processed.
 */

const PARTITIONS = 4
/** The producer's pace (its `rate` option): steady on two shared cores, and 100x the handler. */
const RECORDS_PER_SECOND = 5000
const VALUE_BYTES = 200
/** Concurrency 1 and 10-30 ms of work per record: about 50 records a second. */
const HANDLER_MS: [number, number] = [10, 30]
const MAX_BUFFERED_BYTES = 32 << 20
/** The producer's default: with the rate limit ahead of the accumulator it is never full; the bound is about leaks. */
const BUFFER_BYTES = 32 << 20
const SLACK = 0.1
/**
 * Each process's baseline is its RSS this long into the overload: warmed up,
 * its heap grown to its working size (an idle Node process has a small heap,
 * and V8 lets garbage grow it by tens of MiB under load before it collects,
 * which a baseline taken before the first record would charge to the
 * buffers). The consumer has buffered its first records by then, so its
 * bound is that much looser; its idle RSS is reported beside it.
 */
const WARM_MS = 3000
/**
 * The producer's buffer never fills behind its rate limit, so nothing of its
 * budget is in use when it is measured later: 3 s in, its heap was still
 * growing to its working size (baseline 121 MiB and a peak 166 of a 169 MiB
 * bound in a 40 s run), which is V8's sizing, not records held.
 */
const PRODUCER_WARM_MS = 8000
const MiB = 1 << 20

const WINDOWS = { short: { seconds: 30, lagEveryMs: 2000 }, full: { seconds: 600, lagEveryMs: 10_000 } }

async function run(target: TargetName, options: RunOptions): Promise<ScenarioResult[]> {
  const began = performance.now()
  const window = options.short ? WINDOWS.short : WINDOWS.full
  const topic = `overload-${options.seed}`
  const groupId = `overload-group-${options.seed}`
  const broker = await startOverloadBroker(target, options.workDir)
  const probe = new OffsetProbe(broker.bootstrap, topic, groupId)
  const memory = new MemoryWatch()
  const processes: ClientProcess[] = []
  try {
    if (broker.pid) memory.watch('broker', broker.pid)
    await probe.connect()
    await probe.createTopic(PARTITIONS)

    const processedLog = join(options.workDir, 'processed.log')
    const consumer = new ClientProcess<LoggingConsumerResult>('logging-consumer', {
      bootstrap: broker.bootstrap,
      processedLog,
      handlerMs: HANDLER_MS,
      consumer: {
        groupId,
        topics: [topic],
        fromBeginning: true,
        concurrency: 1,
        maxBufferedBytes: MAX_BUFFERED_BYTES,
        // bytes, not records, are the limit that must hold: the record counts are set out of the way
        maxBufferedRecords: 1_000_000,
        partitionBufferBytes: MAX_BUFFERED_BYTES / 2,
        partitionBufferRecords: 1_000_000,
      },
    } satisfies LoggingConsumerConfig)
    processes.push(consumer)
    memory.watch('consumer', consumer.pid)
    await consumer.waitUntil(
      'the consumer joined',
      () => consumer.recentStderr.includes('rebalance assigned'),
      60_000,
    )
    await sleep(WARM_MS)
    const consumerIdle = residentBytes(consumer.pid) ?? 0

    const ackLog = join(options.workDir, 'acked.log')
    const producer = new ClientProcess<AckProducerResult>('ack-producer', {
      bootstrap: broker.bootstrap,
      topic,
      first: 0,
      count: -1,
      keys: 1000,
      ackLog,
      valueBytes: VALUE_BYTES,
      producer: { bufferBytes: BUFFER_BYTES, rate: { recordsPerSecond: RECORDS_PER_SECOND } },
    } satisfies AckProducerConfig)
    processes.push(producer)
    memory.watch('producer', producer.pid)
    const lag = sampleLag(probe, window.lagEveryMs)
    await sleep(WARM_MS)
    const consumerBaseline = residentBytes(consumer.pid) ?? 0
    await sleep(PRODUCER_WARM_MS - WARM_MS)
    const producerBaseline = residentBytes(producer.pid) ?? 0
    options.log(
      `  baselines: consumer ${(consumerBaseline / MiB).toFixed(0)} MiB, producer ${(producerBaseline / MiB).toFixed(0)} MiB`,
    )
    const windowStart = performance.now()
    for (let left = window.seconds * 1000 - PRODUCER_WARM_MS; left > 0; left -= 60_000) {
      await sleep(Math.min(left, 60_000))
      if (!producer.running || !consumer.running) break
      options.log(
        `  ${((performance.now() - windowStart) / 1000 + PRODUCER_WARM_MS / 1000).toFixed(0)} s of overload`,
      )
    }
    const alive = producer.running && consumer.running

    const produced = await producer.end('SIGTERM')
    const samples = await lag.stop()
    const producerResult = producer.result
    const windowSeconds = (performance.now() - windowStart) / 1000 + PRODUCER_WARM_MS / 1000
    const consumerEnd = await consumer.end('SIGTERM')
    const consumerResult = consumer.result
    const final = await probe.read()

    const topicRecords = await readTopic(broker.bootstrap, topic)
    const acked = readRecordLog(ackLog)
    const processed = readRecordLog(processedLog)
    const verdict = judge({ topic: topicRecords, acked, processed, final, lag: samples })
    const bounds = {
      consumer: (consumerBaseline + MAX_BUFFERED_BYTES) * (1 + SLACK),
      producer: (producerBaseline + BUFFER_BYTES) * (1 + SLACK),
    }
    const figures = memory.figures(bounds)
    const peak = (name: string) => figures.find((f) => f.name === name)?.peakBytes ?? 0
    const ratio = acked.length / windowSeconds / Math.max(1, processed.length / windowSeconds)
    const sent = producerResult?.sent ?? -1
    return [
      {
        scenario: scenario.id,
        target,
        variant: '',
        sent,
        acked: acked.length,
        consumed: verdict.consumed,
        lost: verdict.lost,
        duplicated: verdict.duplicated,
        memory: figures,
        checks: [
          check('producer and consumer ran the whole window', alive),
          check('the producer stopped cleanly with a result', produced === 0 && producerResult !== undefined),
          check(
            'every record sent was acknowledged',
            producerResult !== undefined &&
              producerResult.failed === 0 &&
              producerResult.acked === acked.length,
            producerResult && `${producerResult.failed} failed: ${JSON.stringify(producerResult.errors)}`,
          ),
          check('the consumer closed gracefully', consumerEnd === 0 && consumerResult !== undefined),
          check('the producer was at least 50x faster than the handler', ratio >= 50, `${ratio.toFixed(0)}x`),
          ...verdict.checks,
          check(
            'consumer RSS stayed under baseline + maxBufferedBytes + 10 %',
            peak('consumer') <= bounds.consumer,
            `${(peak('consumer') / MiB).toFixed(1)} of ${(bounds.consumer / MiB).toFixed(1)} MiB`,
          ),
          check(
            'producer RSS stayed under baseline + bufferBytes + 10 %',
            peak('producer') <= bounds.producer,
            `${(peak('producer') / MiB).toFixed(1)} of ${(bounds.producer / MiB).toFixed(1)} MiB`,
          ),
        ],
        notes: [
          `${windowSeconds.toFixed(0)} s window, ${PARTITIONS} partitions: producer at ${RECORDS_PER_SECOND}/s (rate option), ` +
            `${VALUE_BYTES}-byte values, bufferBytes ${BUFFER_BYTES / MiB} MiB; consumer concurrency 1, handler ` +
            `${HANDLER_MS[0]}-${HANDLER_MS[1]} ms, maxBufferedBytes ${MAX_BUFFERED_BYTES / MiB} MiB`,
          `acked ${(acked.length / windowSeconds).toFixed(0)}/s, processed ${(processed.length / windowSeconds).toFixed(1)}/s: ` +
            `${ratio.toFixed(0)}x; lag after close ${totalLag(final)} (records left for later, not lost)`,
          `baselines (RSS ${WARM_MS / 1000} s / ${PRODUCER_WARM_MS / 1000} s into the overload): consumer ${(consumerBaseline / MiB).toFixed(1)} MiB ` +
            `(idle after joining: ${(consumerIdle / MiB).toFixed(1)}), producer ${(producerBaseline / MiB).toFixed(1)} MiB`,
          `lag (kafkajs: log end - committed) at the quarters: ${quarters(samples)
            .map((s) => `${s.lag} at ${s.atSeconds.toFixed(0)} s`)
            .join(', ')}`,
        ],
        seconds: (performance.now() - began) / 1000,
      },
    ]
  } finally {
    for (const p of processes) await p.end('SIGKILL')
    memory.stop()
    await probe.close().catch(() => {})
    await broker.close()
  }
}

export const scenario: Scenario = {
  id: 'overload',
  number: 6,
  title: 'a producer 100x faster than the handler: bounded memory, growing lag, nothing lost',
  targets: ['embedded', 'kafka'],
  run,
}
