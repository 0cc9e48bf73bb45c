import { describe, expect, it } from 'vitest'
import { sleep, systemClock } from '../../src/flow/clock.js'
import { ManualClock } from '../../src/flow/manual-clock.js'

describe('ManualClock', () => {
  it('fires timers in due order, with now() reading each one’s due time', () => {
    const clock = new ManualClock(1000)
    const fired: [string, number][] = []
    clock.setTimeout(() => fired.push(['b', clock.now()]), 20)
    clock.setTimeout(() => fired.push(['a', clock.now()]), 10)
    clock.setTimeout(() => fired.push(['c', clock.now()]), 20)
    clock.advance(15)
    expect(fired).toEqual([['a', 1010]])
    expect(clock.now()).toBe(1015)
    clock.advance(100)
    expect(fired).toEqual([
      ['a', 1010],
      ['b', 1020],
      ['c', 1020],
    ])
    expect(clock.now()).toBe(1115)
  })

  it('fires timers set by timers within the same advance, and skips cleared ones', () => {
    const clock = new ManualClock()
    const fired: number[] = []
    const cleared = clock.setTimeout(() => fired.push(-1), 5)
    clock.setTimeout(() => {
      fired.push(clock.now())
      clock.setTimeout(() => fired.push(clock.now()), 10)
    }, 10)
    clock.clearTimeout(cleared)
    clock.advance(30)
    expect(fired).toEqual([10, 20])
    expect(clock.pendingTimers).toBe(0)
  })

  it('advanceAsync lets awaiting code set its next timer before time moves on', async () => {
    const clock = new ManualClock()
    const wakes: number[] = []
    const loop = (async () => {
      for (let i = 0; i < 3; i++) {
        await sleep(100, { clock })
        wakes.push(clock.now())
      }
    })()
    await clock.advanceAsync(350)
    await loop
    expect(wakes).toEqual([100, 200, 300])
  })

  it('runAllAsync runs until no timer is left', async () => {
    const clock = new ManualClock()
    let n = 0
    const tick = () => {
      if (++n < 5) clock.setTimeout(tick, 7)
    }
    clock.setTimeout(tick, 7)
    expect(await clock.runAllAsync()).toBe(5)
    expect(clock.now()).toBe(35)
    expect(clock.nextTimerAt()).toBeUndefined()
  })
})

describe('sleep', () => {
  it('rejects with the signal reason and clears its timer when aborted', async () => {
    const clock = new ManualClock()
    const controller = new AbortController()
    const slept = sleep(1000, { clock, signal: controller.signal })
    expect(clock.pendingTimers).toBe(1)
    controller.abort(new Error('stop'))
    await expect(slept).rejects.toThrow('stop')
    expect(clock.pendingTimers).toBe(0)
    await expect(sleep(5, { clock, signal: controller.signal })).rejects.toThrow('stop')
  })

  it('waits on the real clock by default', async () => {
    const start = systemClock.now()
    await sleep(15)
    expect(systemClock.now() - start).toBeGreaterThanOrEqual(14)
  })
})
