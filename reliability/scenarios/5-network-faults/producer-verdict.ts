import { existsSync, readFileSync } from 'node:fs'
import type { ProducerSample } from '../../children/ack-producer.js'
import { type Check, check } from '../../support/scenario.js'
import type { PhaseSpan } from './phases.js'

/**
 * What the producer's own gauges (sampled every 250 ms by the child) say
 * about blocking: the buffer never held more than its budget, sends waited
 * for room while the blackhole held every byte, and acknowledgements
 * resumed once the link was clean. The gauges are the producer's word; the
 * records themselves are checked against kcat's reading elsewhere.
 */
export interface ProducerVerdict {
  readonly checks: Check[]
  readonly notes: string[]
  /** When acknowledgements resumed after the blackhole ended, ms after its end; -1 if never. */
  readonly recoveryMs: number
}

export function readSamples(file: string): ProducerSample[] {
  if (!existsSync(file)) return []
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{') && line.endsWith('}'))
    .map((line) => JSON.parse(line) as ProducerSample)
}

/** The acknowledgement count at a moment: that of the last sample at or before it. */
function ackedAt(samples: readonly ProducerSample[], at: number): number {
  let acked = 0
  for (const s of samples) if (s.at <= at) acked = s.acked
  return acked
}

export function judgeProducer(
  samples: readonly ProducerSample[],
  spans: readonly PhaseSpan[],
): ProducerVerdict {
  const MiB = 1024 * 1024
  const total = samples[0]?.bufferBytesTotal ?? 0
  const peakUsed = Math.max(0, ...samples.map((s) => s.bufferBytesUsed))
  const notes = spans.map((p) => {
    const inside = samples.filter((s) => s.at >= p.start && s.at <= p.end)
    const acks = ackedAt(samples, p.end) - ackedAt(samples, p.start)
    const used = Math.max(0, ...inside.map((s) => s.bufferBytesUsed))
    const waiting = Math.max(0, ...inside.map((s) => s.sendersWaiting))
    const rss = Math.max(0, ...inside.map((s) => s.rssBytes ?? 0))
    const heap = Math.max(0, ...inside.map((s) => s.heapUsedBytes ?? 0))
    return `${p.name} (${((p.end - p.start) / 1000).toFixed(1)} s, ${p.what}): ${acks} acks, producer buffer peak ${(used / MiB).toFixed(1)} MiB, up to ${waiting} sends waiting, RSS ${(rss / MiB).toFixed(0)} MiB, heap ${(heap / MiB).toFixed(0)} MiB`
  })
  const blackhole = spans.find((p) => p.name === 'blackhole')
  if (!blackhole) return { checks: [check('the blackhole phase ran', false)], notes, recoveryMs: -1 }
  const during = samples.filter((s) => s.at >= blackhole.start && s.at <= blackhole.end)
  // sendAll puts one record at a time into the buffer, so "blocked" is one send waiting while the buffer is full
  const blocked = during.filter((s) => s.sendersWaiting > 0 && s.bufferBytesUsed >= 0.9 * s.bufferBytesTotal)
  // a wait is counted once it ends, so the waiting time of the blackhole shows by the end of the run
  const waitedMs = (samples.at(-1)?.waitingTimeMs ?? 0) - (during[0]?.waitingTimeMs ?? 0)
  const ackedAtEnd = ackedAt(samples, blackhole.end)
  const resumed = samples.find((s) => s.at > blackhole.end && s.acked > ackedAtEnd)
  const recoveryMs = resumed ? resumed.at - blackhole.end : -1
  return {
    recoveryMs,
    notes,
    checks: [
      check(
        'the producer buffer stayed within its budget',
        samples.length > 0 && peakUsed <= total,
        `peak ${(peakUsed / MiB).toFixed(2)} of ${(total / MiB).toFixed(0)} MiB`,
      ),
      check(
        'the producer blocked during the blackhole (a send waited, the buffer full, most of the time)',
        during.length > 0 && blocked.length >= during.length / 2,
        `blocked in ${blocked.length} of ${during.length} samples; sends waited ${(waitedMs / 1000).toFixed(1)} s from the blackhole on`,
      ),
      check(
        'acknowledgements resumed after the blackhole',
        recoveryMs >= 0,
        recoveryMs >= 0 ? `${(recoveryMs / 1000).toFixed(1)} s after it ended` : 'never',
      ),
    ],
  }
}
