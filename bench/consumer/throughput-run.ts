import { readCpuSeconds } from '../broker/proc-stats.js'
import type { BrokerTarget } from '../support/brokers.js'
import type { MemoryPeaks } from '../support/child-runtime.js'
import type { BuiltChildren } from './build-children.js'
import type { ThroughputConfig } from './children/throughput-protocol.js'
import type { ClientId } from './settings.js'
import type { ThroughputClient } from './throughput-clients.js'

/**
 * One run of one consumer over the prepared topic: a group of its own, the
 * client's process from start to exit, the broker's CPU over that time, and
 * the check that it saw every record exactly once in offset order: as many
 * as the topic holds, each partition's offsets one after another up to its
 * high watermark. A run that fails the check is kept as a failure and its
 * numbers are not used.
 */

export interface ThroughputRun {
  client: ClientId
  ok: boolean
  error?: string
  /** From creating the client to the last record. */
  seconds: number
  firstRecordSeconds: number
  /** From the first record to the last: the rate once reading, without connecting and joining. */
  readingSeconds: number
  cpuSeconds: number
  peakRssBytes: number
  brokerCpuSeconds: number
  method: string
  detail?: string
  memory?: MemoryPeaks
}

export interface PreparedTopic {
  topic: string
  /** High watermark of each partition. */
  ends: readonly number[]
  records: number
}

let groups = 0

export async function runThroughput(
  target: BrokerTarget,
  prepared: PreparedTopic,
  client: ThroughputClient,
  built: BuiltChildren,
  profile?: { dir: string; name: string },
): Promise<ThroughputRun> {
  const config: ThroughputConfig = {
    bootstrap: target.bootstrap,
    topic: prepared.topic,
    partitions: prepared.ends.length,
    records: prepared.records,
    groupId: `bench-consumer-${client.id}-${++groups}-${Date.now().toString(36)}`,
    mode: '',
  }
  const cpuBefore = readCpuSeconds(target.pid)
  const outcome = await client.run(config, built, profile)
  const brokerCpuSeconds = readCpuSeconds(target.pid) - cpuBefore
  const failed = (error: string): ThroughputRun => ({
    client: client.id,
    ok: false,
    error,
    seconds: 0,
    firstRecordSeconds: 0,
    readingSeconds: 0,
    cpuSeconds: 0,
    peakRssBytes: 0,
    brokerCpuSeconds,
    method: '',
  })
  if ('error' in outcome) return failed(outcome.error)
  const problems: string[] = []
  if (outcome.counted !== prepared.records)
    problems.push(`counted ${outcome.counted} of ${prepared.records} records`)
  if (outcome.gaps > 0) problems.push(`${outcome.gaps} records out of sequence (first: ${outcome.firstGap})`)
  if (outcome.perPartition.join() !== prepared.ends.join())
    problems.push(
      `read up to ${outcome.perPartition.join(', ')}, the topic ends at ${prepared.ends.join(', ')}`,
    )
  if (problems.length > 0) return failed(problems.join('; '))
  return {
    client: client.id,
    ok: true,
    seconds: outcome.seconds,
    firstRecordSeconds: outcome.firstRecordSeconds,
    readingSeconds: outcome.seconds - outcome.firstRecordSeconds,
    cpuSeconds: outcome.cpuSeconds,
    peakRssBytes: outcome.peakRssBytes,
    brokerCpuSeconds,
    method: outcome.method,
    detail: outcome.detail,
    memory: outcome.memory,
  }
}
