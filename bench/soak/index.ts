import { randomInt } from 'node:crypto'
import { printTable } from '../support/table.js'
import {
  apiTable,
  closeReasonTable,
  kindTable,
  memoryTimelineTable,
  soakPassed,
  validClosedTable,
  verdictTable,
} from './report.js'
import { defaultSoakSettings, runSoak } from './soak-run.js'

/**
 * The soak: at least a million random and mutated frames thrown at a
 * `sluice broker` process from several connections while a well-behaved
 * client produces and verifies records. It fails (exit code 1) on a broker
 * crash, a well-behaved client error, an unverified record, or a broker
 * that no longer answers at the end.
 *
 *   SOAK_FRAMES             frames to throw (default 1,000,000)
 *   SOAK_ATTACKERS          attacker connections at a time (default 6, at most 8)
 *   SOAK_SEED               seed of the frame pools and the attackers' choices (default random, printed)
 *   SOAK_ANSWER_TIMEOUT_MS  wait for an answer or a close before hanging up (default 100)
 */

function integerFromEnv(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw.replaceAll('_', ''))
  if (!Number.isInteger(n) || n < min || n > max)
    throw new Error(`${name} must be an integer ${min}-${max}, got ${raw}`)
  return n
}

function progress(thrown: number, total: number): void {
  if (process.stderr.isTTY) {
    process.stderr.write(
      `\r\x1b[K  ${thrown.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} frames`,
    )
  }
}

export async function run(): Promise<void> {
  const frames = integerFromEnv('SOAK_FRAMES', 1_000_000, 1, 1_000_000_000)
  const seed = integerFromEnv('SOAK_SEED', randomInt(1, 2 ** 31 - 1), 0, 2 ** 31 - 1)
  const settings = {
    ...defaultSoakSettings(frames, seed),
    onProgress: progress,
  }
  settings.attackers = integerFromEnv('SOAK_ATTACKERS', settings.attackers, 1, 8)
  settings.answerTimeoutMs = integerFromEnv('SOAK_ANSWER_TIMEOUT_MS', settings.answerTimeoutMs, 1, 60_000)
  console.log(
    `Throwing ${frames.toLocaleString('en-US')} frames from ${settings.attackers} connections (seed ${seed}; SOAK_FRAMES, SOAK_ATTACKERS, SOAK_SEED to change).\n`,
  )
  const result = await runSoak(settings)
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K')

  printTable(verdictTable(result))
  printTable(kindTable(result))
  printTable(apiTable(result))
  printTable(closeReasonTable(result))
  printTable(validClosedTable(result))
  printTable(memoryTimelineTable(result))
  if (result.healthy.errorMessages.length > 0) {
    console.log(`Well-behaved client errors:\n  ${result.healthy.errorMessages.join('\n  ')}\n`)
  }
  if (result.crashExit) {
    console.log(`Broker exited during the run (${result.crashExit.code ?? result.crashExit.signal}).`)
  }
  const { errorLines, otherLines } = result.brokerLog
  if (errorLines.length > 0 || otherLines.length > 0) {
    console.log(
      `Broker stderr besides connection closes:\n  ${[...errorLines, ...otherLines].join('\n  ')}\n`,
    )
  }
  if (!soakPassed(result)) {
    console.error('SOAK FAILED')
    process.exitCode = 1
  }
}
