import { formatBytes, formatCount } from './view-format.js'

/** What a demo run did, checked against its ledger; printed at exit (or as JSON with --json-summary). */
export interface DemoSummary {
  readonly seconds: number
  /** Records handed to the producer. */
  readonly produced: number
  readonly acknowledged: number
  /** Records the producer failed to deliver (never acknowledged: not counted as lost). */
  readonly producerErrors: number
  /** Records processed by a handler, each once. */
  readonly consumed: number
  readonly droppedByPolicy: number
  /** Given up by the failure policy after every attempt failed. */
  readonly skipped: number
  /** Acknowledged and never finished, after the drain. Must be 0. */
  readonly lost: number
  /** The first few lost records, to look for. */
  readonly lostRecords: readonly { partition: number; offset: number }[]
  readonly duplicates: number
  /** Unfinished records below the offsets the group committed: commits past unfinished work. Must be 0. */
  readonly committedPastUnfinished: number
  /** Whether every acknowledged record finished before the drain bound. */
  readonly drained: boolean
  readonly drainSeconds: number
  readonly peakRssBytes: number
  readonly peakMemberBufferedBytes: number
  readonly memberBudgetBytes: number
  /** The most a member's buffer may pass its budget by: one Fetch answer. */
  readonly fetchMaxBytes: number
  readonly withinBudget: boolean
  readonly breakerOpens: number
  readonly breakerCloses: number
  readonly rebalances: number
  /** An error that ended the run early, if one did. */
  readonly error?: string
  /** Nothing lost, nothing committed past unfinished work, no error: the exit code is 0. */
  readonly ok: boolean
}

/** The summary as lines for the terminal. */
export function formatSummary(s: DemoSummary): string {
  const check = (good: boolean) => (good ? 'ok' : 'FAILED')
  const lines = [
    `sluice demo summary (${s.seconds.toFixed(1)} s)`,
    `  produced              ${formatCount(s.produced)}`,
    `  acknowledged          ${formatCount(s.acknowledged)}${s.producerErrors > 0 ? `  (${formatCount(s.producerErrors)} failed to send)` : ''}`,
    `  consumed              ${formatCount(s.consumed)}`,
    `  dropped by policy     ${formatCount(s.droppedByPolicy)}`,
    `  skipped after retries ${formatCount(s.skipped)}`,
    `  lost                  ${formatCount(s.lost)}  ${check(s.lost === 0)}${s.drained ? '' : `  (the drain stopped after ${s.drainSeconds.toFixed(0)} s with records still waiting: raise --drain-timeout)`}`,
    `  duplicates            ${formatCount(s.duplicates)}${s.duplicates > 0 && s.rebalances > 1 ? '  (at least once: a partition that changed hands is read again from its last commit)' : ''}`,
    `  committed past unfinished work ${formatCount(s.committedPastUnfinished)}  ${check(s.committedPastUnfinished === 0)}`,
    `  peak consumer buffer  ${formatBytes(s.peakMemberBufferedBytes)} of a ${formatBytes(s.memberBudgetBytes)} budget (+ one ${formatBytes(s.fetchMaxBytes)} fetch)  ${check(s.withinBudget)}`,
    `  peak RSS              ${formatBytes(s.peakRssBytes)}`,
    `  breaker               opened ${s.breakerOpens}, closed ${s.breakerCloses}`,
    `  rebalances            ${s.rebalances}`,
  ]
  if (s.lostRecords.length > 0)
    lines.push(`  first lost: ${s.lostRecords.map((r) => `${r.partition}@${r.offset}`).join(', ')}`)
  if (s.error) lines.push(`  error: ${s.error}`)
  lines.push(s.ok ? 'nothing lost' : 'records were lost or the run failed: exit code 1')
  return `${lines.join('\n')}\n`
}
