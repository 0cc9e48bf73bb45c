import { resolve } from 'node:path'
import { BROKER_IDS, type BrokerId } from '../support/brokers.js'
import { envInteger, envSubset } from '../support/env-settings.js'

/**
 * What a run of the producer benchmark does, from the environment:
 *
 *   BENCH_PRODUCER_QUICK=1          smoke run: 100,000 records, 1 run
 *   BENCH_PRODUCER_RECORDS          records per run (default 1,000,000)
 *   BENCH_RUNS                      runs of every case, the median kept (default 3)
 *   BENCH_PRODUCER_CLIENTS          a comma-separated subset of the clients (ids below)
 *   BENCH_PRODUCER_BROKERS          embedded, kafka or both (default both)
 *   BENCH_PRODUCER_TUNED_OPTIONS    kafka.producer() options of the 'sluice-tuned' row (JSON; default
 *                                   '{"batchBytes":1048576}', librdkafka's batch.size)
 *   BENCH_PRODUCER_TUNED_WINDOW     its sendAll maxInFlight (default 50,000)
 *   BENCH_PRODUCER_CPU_PROF=DIR     V8 CPU profiles of the Sluice children into DIR, summarized at the end
 *                                   (profiling slows them: run it apart, e.g. with BENCH_PRODUCER_CLIENTS=sluice-tuned)
 *   BENCH_PRODUCER_VERBOSE=1        a line on stderr per run as it finishes
 */

export const CLIENT_IDS = [
  'sluice-send-all',
  'sluice-tuned',
  'sluice-send',
  'kcat',
  'java',
  'kafkajs',
  'platformatic',
] as const
export type ClientId = (typeof CLIENT_IDS)[number]

export interface ProducerBenchSettings {
  quick: boolean
  records: number
  runs: number
  clients: readonly ClientId[]
  brokers: readonly BrokerId[]
  /** The 'sluice-tuned' row: producer options and sendAll maxInFlight. */
  tunedOptions: Record<string, unknown>
  tunedWindow: number
  cpuProfileDir: string | undefined
}

function jsonObject(name: string, fallback: Record<string, unknown>): Record<string, unknown> {
  const raw = process.env[name]
  if (raw === undefined || raw.trim() === '') return fallback
  const parsed = JSON.parse(raw) as unknown
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`${name} must be a JSON object, got ${raw}`)
  }
  return parsed as Record<string, unknown>
}

export function settingsFromEnv(): ProducerBenchSettings {
  const quick = process.env.BENCH_PRODUCER_QUICK === '1'
  return {
    quick,
    records: envInteger('BENCH_PRODUCER_RECORDS', quick ? 100_000 : 1_000_000, 3, 100_000_000),
    runs: envInteger('BENCH_RUNS', quick ? 1 : 3, 1, 21),
    clients: envSubset('BENCH_PRODUCER_CLIENTS', CLIENT_IDS),
    brokers: envSubset('BENCH_PRODUCER_BROKERS', BROKER_IDS),
    tunedOptions: jsonObject('BENCH_PRODUCER_TUNED_OPTIONS', { batchBytes: 1 << 20 }),
    tunedWindow: envInteger('BENCH_PRODUCER_TUNED_WINDOW', 50_000, 1, 10_000_000),
    cpuProfileDir: process.env.BENCH_PRODUCER_CPU_PROF
      ? resolve(process.env.BENCH_PRODUCER_CPU_PROF)
      : undefined,
  }
}
