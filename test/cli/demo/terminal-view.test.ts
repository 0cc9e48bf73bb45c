import { describe, expect, it } from 'vitest'
import { frameLines, KEY_HELP, statusLine, TerminalView } from '../../../src/cli/demo/terminal-view.js'
import { bar, formatBytes, formatCount } from '../../../src/cli/demo/view-format.js'
import type { LiveSnapshot } from '../../../src/cli/live/live-snapshot.js'

const MiB = 1 << 20

function snapshot(
  over: { breaker?: LiveSnapshot['consumer']['breaker']; failing?: boolean } = {},
): LiveSnapshot {
  return {
    at: 1_800_000_000_000,
    elapsedSeconds: 12.4,
    producer: {
      recordsPerSecond: 1999.6,
      targetRate: 2000,
      bufferBytesUsed: 2 * MiB,
      bufferBytesTotal: 8 * MiB,
      sendersWaiting: 0,
      inFlightRequests: 3,
      retries: 0,
      drops: 0,
      errors: 0,
      acknowledged: 24_000,
    },
    consumer: {
      recordsPerSecond: 1600,
      handlerMs: 20,
      members: 1,
      lag: 4800,
      bufferedBytes: 3 * MiB,
      maxBufferedBytes: 4 * MiB,
      bufferedRecords: 12_345,
      pausedPartitions: 4,
      partitions: 6,
      inFlight: 32,
      concurrency: 32,
      retries: 7,
      failedAttempts: 12,
      drops: 0,
      overflow: 'pause',
      breaker: over.breaker ?? 'closed',
      processed: 19_200,
      duplicates: 0,
    },
    process: { rssBytes: 120 * MiB, heapUsedBytes: 40 * MiB },
    demo: {
      produced: 24_100,
      failing: over.failing ?? false,
      breakerOpens: 1,
      breakerCloses: 1,
      rebalances: 1,
      skipped: 0,
      peakMemberBufferedBytes: 4 * MiB,
      memberBudgetBytes: 4 * MiB,
      peakRssBytes: 130 * MiB,
      changingMembers: false,
    },
  }
}

const context = { bootstrap: '127.0.0.1:9092', topic: 'demo-orders', groupId: 'sluice-demo-x', keys: true }

class FakeTty {
  readonly isTTY = true
  columns = 100
  written = ''
  write(text: string): boolean {
    this.written += text
    return true
  }
}

describe('the demo view', () => {
  it('formats counts, bytes and bars', () => {
    expect(formatCount(1234567.6)).toBe('1,234,568')
    expect(formatBytes(512)).toBe('512 B')
    expect(formatBytes(3.5 * MiB)).toBe('3.5 MiB')
    expect(bar(1, 4, 8)).toBe('[##------]')
    expect(bar(0, 4, 4)).toBe('[----]')
    expect(bar(5, 4, 4)).toBe('[####]!')
  })

  it('gives one key=value line per snapshot off a TTY', () => {
    expect(statusLine(snapshot())).toBe(
      't=12s produce=2000/s target=2000/s acked=24000 consume=1600/s processed=19200 lag=4800 ' +
        'buffer=3.0MiB/4.0MiB paused=4/6 inflight=32 pbuffer=2.0MiB/8.0MiB retries=7 drops=0 ' +
        'overflow=pause breaker=closed members=1 rss=120.0MiB',
    )
    expect(statusLine(snapshot({ breaker: 'open', failing: true }))).toMatch(/ breaker=open .* failing=yes$/)
  })

  it('shows rates, both buffers against their budgets, the breaker and the keys on a TTY', () => {
    const lines = frameLines(snapshot({ breaker: 'open', failing: true }), context)
    const text = lines.join('\n')
    expect(text).toContain('producer    2,000/s  target 2,000/s   acknowledged 24,000 of 24,100 produced')
    expect(text).toContain('buffer  [#####---------------] 2.0 MiB / 8.0 MiB')
    expect(text).toContain(
      'buffer  [###############-----] 3.0 MiB / 4.0 MiB   12,345 records   paused partitions 4/6',
    )
    expect(text).toContain('breaker OPEN (opened 1, closed 1)   failing YES')
    expect(text).toContain('lag 4,800')
    expect(text).toContain('RSS 120.0 MiB (peak 130.0 MiB)')
    expect(lines.at(-1)).toBe(KEY_HELP)
    const piped = frameLines(snapshot(), { ...context, keys: false, notice: 'handler 30 ms per record' })
    expect(piped.at(-2)).toBe('stop with Ctrl-C (SIGINT) or SIGTERM')
    expect(piped.at(-1)).toBe('> handler 30 ms per record')
  })

  it('redraws in place on a TTY, lines cut to the terminal width', () => {
    const tty = new FakeTty()
    const view = new TerminalView(tty as unknown as NodeJS.WriteStream)
    view.draw(snapshot(), context)
    const first = tty.written
    expect(first.startsWith('\r\x1b[J')).toBe(true)
    const lineCount = first.split('\n').length - 1
    for (const line of first.split('\n')) expect(line.replace('\r\x1b[J', '').length).toBeLessThanOrEqual(100)
    tty.written = ''
    view.draw(snapshot(), context)
    // back up over the previous frame, clear it, draw the new one
    expect(tty.written.startsWith(`\x1b[${lineCount}A\r\x1b[J`)).toBe(true)
    view.release()
    tty.written = ''
    view.draw(snapshot(), context)
    expect(tty.written.startsWith('\r\x1b[J')).toBe(true)
  })

  it('writes one status line per snapshot when not a TTY', () => {
    const piped = new FakeTty()
    const view = new TerminalView(piped as unknown as NodeJS.WriteStream, false)
    view.draw(snapshot(), context)
    view.draw(snapshot(), context)
    expect(piped.written).toBe(`${statusLine(snapshot())}\n${statusLine(snapshot())}\n`)
  })
})
