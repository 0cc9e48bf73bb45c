import { describe, expect, it } from 'vitest'
import type { Logger } from '../../../src/broker/logger.js'
import { RateLimitedLog } from '../../../src/broker/network/rate-limited-log.js'
import { ManualClock } from '../log/support/manual-clock.js'

function capture(): Logger & { lines: string[] } {
  const lines: string[] = []
  const add = (m: string) => {
    lines.push(m)
  }
  return { lines, debug: add, info: add, warn: add, error: add }
}

describe('RateLimitedLog', () => {
  it('lets a burst through per interval, then counts what it held back in the next line', () => {
    const logger = capture()
    const clock = new ManualClock()
    const log = new RateLimitedLog(logger, clock, 'warn', 10_000, 3)
    for (let i = 0; i < 10; i++) log.log(`closed ${i}`)
    expect(logger.lines).toEqual(['closed 0', 'closed 1', 'closed 2'])
    clock.advance(9_999)
    log.log('still held')
    expect(logger.lines).toHaveLength(3)
    clock.advance(1)
    log.log('next window')
    expect(logger.lines[3]).toBe('next window (and 8 more like it since the last such line)')
    log.log('second in window')
    expect(logger.lines[4]).toBe('second in window')
  })

  it('logs one line per interval by default', () => {
    const logger = capture()
    const clock = new ManualClock()
    const log = new RateLimitedLog(logger, clock, 'info')
    log.log('a')
    log.log('b')
    expect(logger.lines).toEqual(['a'])
  })
})
