import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import type { DemoSummary } from '../../../src/cli/demo/demo-summary.js'

const MAIN = fileURLToPath(new URL('../../../src/cli/main.ts', import.meta.url))

/** Runs `sluice demo` (from source, through tsx) with stdout piped, as a script or a log would. */
function runDemo(
  args: string[],
  timeoutMs: number,
  onStdout: (stdout: string) => void = () => {},
): Promise<{ code: number | string; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'demo', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => {
    stdout += d
    onStdout(stdout)
  })
  child.stderr.on('data', (d) => {
    stderr += d
  })
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
  return new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      resolve({ code: code ?? signal ?? -1, stdout, stderr })
    }),
  )
}

const field = (line: string, name: string) => new RegExp(`(?:^| )${name}=(\\S+)`).exec(line)?.[1]

describe('sluice demo', () => {
  it('runs 20 s with handler failures injected: the breaker opens and closes, memory stays in budget, nothing is lost', async () => {
    const budget = 1 << 20
    let scrape: Promise<string> | undefined
    const { code, stdout, stderr } = await runDemo(
      [
        '--duration',
        '20',
        '--fail-at',
        '6',
        '--fail-for',
        '4',
        '--rate',
        '2000',
        '--handler-ms',
        '10',
        '--consumer-budget-bytes',
        '1MiB',
        '--drain-timeout',
        '20',
        '--no-console',
        '--metrics-port',
        '0',
        '--json-summary',
      ],
      55_000,
      (sofar) => {
        // one Prometheus scrape a few seconds into the run
        const url = /metrics on (\S+)/.exec(sofar)?.[1]
        if (url && !scrape && /\nt=3s /.test(sofar)) scrape = fetch(url).then((r) => r.text())
      },
    )
    const lines = stdout.trim().split('\n')
    const summary = JSON.parse(lines.at(-1)!) as DemoSummary
    const status = lines.filter((l) => l.startsWith('t='))
    expect(summary, stderr).toMatchObject({ ok: true, lost: 0, committedPastUnfinished: 0, drained: true })
    expect(code).toBe(0)
    // one line a second while it runs (the drain adds a few)
    expect(status.length).toBeGreaterThanOrEqual(18)
    expect(summary.produced).toBeGreaterThan(20_000)
    expect(summary.acknowledged).toBe(summary.produced)
    expect(summary.consumed).toBe(summary.acknowledged)
    expect(summary.droppedByPolicy).toBe(0)
    expect(summary.duplicates).toBe(0)
    // the failures opened the breaker, which closed again once they stopped
    expect(summary.breakerOpens).toBeGreaterThanOrEqual(1)
    expect(summary.breakerCloses).toBeGreaterThanOrEqual(1)
    expect(status.some((l) => field(l, 'breaker') === 'open')).toBe(true)
    expect(field(status.at(-1)!, 'breaker')).toBe('closed')
    // the buffer filled to its budget (fetching paused) and never passed it by more than one fetch
    expect(summary.memberBudgetBytes).toBe(budget)
    expect(summary.peakMemberBufferedBytes).toBeGreaterThan(budget * 0.5)
    expect(summary.peakMemberBufferedBytes).toBeLessThanOrEqual(budget + summary.fetchMaxBytes)
    expect(summary.withinBudget).toBe(true)
    expect(status.some((l) => Number(field(l, 'paused')?.split('/')[0]) > 0)).toBe(true)
    expect(summary.peakRssBytes).toBeGreaterThan(0)
    // the producer's, the consumer's and the broker's series, scraped while it ran
    const scraped = await scrape!
    expect(scraped).toMatch(/^sluice_producer_record_send_total\{client="demo-producer"\} [1-9]/m)
    expect(scraped).toMatch(/\{client="demo-consumer-1"/)
    expect(scraped).toMatch(/^sluice_broker_/m)
  }, 60_000)

  it('rejects a bad option in one line naming it', async () => {
    const { code, stderr } = await runDemo(['--rate', 'fast', '--no-console'], 20_000)
    expect(code).not.toBe(0)
    expect(stderr).toMatch(/--rate must be a number of at least 0, got "fast"/)
    expect(stderr).not.toMatch(/\n\s+at /)
  }, 30_000)
})
