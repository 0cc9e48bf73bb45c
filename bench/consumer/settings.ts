import { resolve } from 'node:path'
import { BROKER_IDS, type BrokerId } from '../support/brokers.js'
import { envInteger, envSubset } from '../support/env-settings.js'

/**
 * What a run of the consumer benchmark does, from the environment:
 *
 *   BENCH_CONSUMER_QUICK=1              smoke run: 100,000 records, 1 run, overload 15 s, latency 5 s
 *   BENCH_CONSUMER_PARTS                a comma-separated subset of throughput, keyed, overload, latency
 *   BENCH_CONSUMER_BROKERS              embedded, kafka or both (default both)
 *   BENCH_RUNS                          runs of every case, the median kept (default 3)
 *   BENCH_CONSUMER_RECORDS              records the throughput part reads (default 1,000,000)
 *   BENCH_CONSUMER_CLIENTS              a subset of the throughput clients (ids below)
 *   BENCH_CONSUMER_OVERLOAD_SECONDS     how long the overload lasts (default 60; the long run: 600;
 *                                       when it would write over 256 MiB the embedded broker runs on its disk engine)
 *   BENCH_CONSUMER_OVERLOAD_RATE        the producer's records/s in it (default 0: as fast as it goes,
 *                                       sendAll with its own backpressure; e.g. 100,000 for 100x a 1 ms handler)
 *   BENCH_CONSUMER_LATENCY_SECONDS      how long latency is measured (default 15; the issue's: 60)
 *   BENCH_CONSUMER_LATENCY_RATE         records/s sent in it (default 50,000)
 *   BENCH_CONSUMER_CPU_PROF=DIR         V8 CPU profiles of the Sluice throughput children into DIR,
 *                                       summarized at the end (run it apart: profiling slows them)
 *   BENCH_CONSUMER_VERBOSE=1            a line on stderr per run as it finishes
 */

export const CLIENT_IDS = [
  'sluice-run',
  'sluice-batch',
  'kcat',
  'java',
  'kafkajs-batch',
  'kafkajs-message',
  'platformatic',
] as const
export type ClientId = (typeof CLIENT_IDS)[number]

export const PART_IDS = ['throughput', 'keyed', 'overload', 'latency'] as const
export type PartId = (typeof PART_IDS)[number]

export interface ConsumerBenchSettings {
  quick: boolean
  parts: readonly PartId[]
  brokers: readonly BrokerId[]
  runs: number
  records: number
  clients: readonly ClientId[]
  overloadSeconds: number
  overloadRate: number
  latencySeconds: number
  latencyRate: number
  cpuProfileDir: string | undefined
  verbose: boolean
}

export function settingsFromEnv(): ConsumerBenchSettings {
  const quick = process.env.BENCH_CONSUMER_QUICK === '1'
  return {
    quick,
    parts: envSubset('BENCH_CONSUMER_PARTS', PART_IDS),
    brokers: envSubset('BENCH_CONSUMER_BROKERS', BROKER_IDS),
    runs: envInteger('BENCH_RUNS', quick ? 1 : 3, 1, 21),
    records: envInteger('BENCH_CONSUMER_RECORDS', quick ? 100_000 : 1_000_000, 3, 100_000_000),
    clients: envSubset('BENCH_CONSUMER_CLIENTS', CLIENT_IDS),
    overloadSeconds: envInteger('BENCH_CONSUMER_OVERLOAD_SECONDS', quick ? 15 : 60, 5, 7200),
    overloadRate: envInteger('BENCH_CONSUMER_OVERLOAD_RATE', 0, 0, 10_000_000),
    latencySeconds: envInteger('BENCH_CONSUMER_LATENCY_SECONDS', quick ? 5 : 15, 1, 3600),
    latencyRate: envInteger('BENCH_CONSUMER_LATENCY_RATE', 50_000, 1, 1_000_000),
    cpuProfileDir: process.env.BENCH_CONSUMER_CPU_PROF
      ? resolve(process.env.BENCH_CONSUMER_CPU_PROF)
      : undefined,
    verbose: process.env.BENCH_CONSUMER_VERBOSE === '1',
  }
}

/** Where a Sluice child writes its CPU profile, when profiles were asked for; `name` starts with what the summary groups by. */
export function profileFor(
  settings: ConsumerBenchSettings,
  name: string,
): { dir: string; name: string } | undefined {
  return settings.cpuProfileDir ? { dir: settings.cpuProfileDir, name: `${name}.cpuprofile` } : undefined
}

/** The profile groups the summary prints, one per Sluice child and broker. */
export function profileGroups(settings: ConsumerBenchSettings): { prefix: string; title: string }[] {
  const groups: { prefix: string; title: string }[] = []
  for (const broker of settings.brokers) {
    const add = (prefix: string, title: string) =>
      groups.push({ prefix: `${prefix}-${broker}-`, title: `${title}, ${broker}` })
    if (settings.parts.includes('throughput')) {
      if (settings.clients.includes('sluice-run')) add('sluice-run', 'throughput, Sluice run')
      if (settings.clients.includes('sluice-batch')) add('sluice-batch', 'throughput, Sluice runBatch')
    }
    if (settings.parts.includes('keyed')) {
      add('keyed-10', 'key-ordered, 10 keys, Sluice')
      add('keyed-10000', 'key-ordered, 10,000 keys, Sluice')
    }
    if (settings.parts.includes('overload')) add('overload', 'overload, Sluice consumer')
    if (settings.parts.includes('latency')) add('latency', 'latency, Sluice consumer')
  }
  return groups
}
