import { describe, expect, it } from 'vitest'
import { SharedAnswer } from '../../../src/cli/console/shared-answer.js'

describe('SharedAnswer', () => {
  it('gives requests close together one reading, and reads again once it is older than maxAgeMs', async () => {
    let reads = 0
    const answer = new SharedAnswer(async () => ++reads, 50)
    expect(await Promise.all([answer.get(), answer.get(), answer.get()])).toEqual([1, 1, 1])
    await new Promise((resolve) => setTimeout(resolve, 60))
    expect(await answer.get()).toBe(2)
  })

  it('does not keep a failure: the next request reads again', async () => {
    let reads = 0
    const answer = new SharedAnswer(async () => {
      reads++
      if (reads === 1) throw new Error('broker down')
      return reads
    }, 10_000)
    await expect(answer.get()).rejects.toThrow('broker down')
    expect(await answer.get()).toBe(2)
  })
})
