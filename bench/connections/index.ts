import { printTable } from '../support/table.js'
import { connectionTable } from './report.js'
import { poolRounds } from './rounds.js'
import { type ConnectionScenarioResult, type ConnectionSettings, runConnectionScenario } from './scenario.js'

/**
 * The connection benchmark: a `sluice broker` process serving 1,000 idle
 * client connections and 100 active producers at once, against a baseline
 * round with the producers alone. It fails if an idle connection was
 * dropped or stops answering.
 *
 *   BENCH_CONNECTIONS_IDLE       idle connections (default 1,000)
 *   BENCH_CONNECTIONS_PRODUCERS  producer connections (default 100)
 *   BENCH_CONNECTIONS_SECONDS    load time of each round of each scenario (default 20)
 *   BENCH_CONNECTIONS_ROUNDS     alternating rounds of both scenarios, pooled (default 2)
 */

function integerFromEnv(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw.replaceAll('_', ''))
  if (!Number.isInteger(n) || n < min || n > max)
    throw new Error(`${name} must be an integer ${min}-${max}, got ${raw}`)
  return n
}

function progress(text: string): void {
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K  ${text}`)
}

export async function run(): Promise<void> {
  const settings: ConnectionSettings = {
    idleConnections: integerFromEnv('BENCH_CONNECTIONS_IDLE', 1000, 1, 15_000),
    producers: integerFromEnv('BENCH_CONNECTIONS_PRODUCERS', 100, 1, 1000),
    partitions: 10,
    batchRecords: 100,
    durationMs: 20_000,
  }
  settings.durationMs = integerFromEnv('BENCH_CONNECTIONS_SECONDS', 20, 1, 3600) * 1000
  const rounds = integerFromEnv('BENCH_CONNECTIONS_ROUNDS', 2, 1, 20)
  const baselines: ConnectionScenarioResult[] = []
  const withIdle: ConnectionScenarioResult[] = []
  for (let round = 1; round <= rounds; round++) {
    // alternate which goes first, so neither always runs on a machine the other has just warmed
    for (const idle of round % 2 === 1 ? [false, true] : [true, false]) {
      progress(
        `round ${round} of ${rounds}: producers ${idle ? `beside ${settings.idleConnections} idle connections` : 'alone'}`,
      )
      ;(idle ? withIdle : baselines).push(await runConnectionScenario(settings, idle))
    }
  }
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K')
  printTable(connectionTable(poolRounds(baselines), poolRounds(withIdle), settings, rounds))

  const lost = withIdle.filter((r) => r.idleAnsweringAtEnd !== r.idleOpened)
  if (lost.length > 0) {
    console.error(
      `FAILED: ${lost.map((r) => `${r.idleOpened - r.idleAnsweringAtEnd} of ${r.idleOpened}`).join(', ')} idle connections no longer answered`,
    )
    process.exitCode = 1
  }
}
