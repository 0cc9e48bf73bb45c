import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { KeyedExecutor } from '../../src/flow/keyed-executor.js'

const settle = () => new Promise<void>((resolve) => setImmediate(resolve))

/** A task whose finish the test controls. */
function deferred() {
  let resolve!: () => void
  let reject!: (error: unknown) => void
  const promise = new Promise<void>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

describe('KeyedExecutor', () => {
  it('runs tasks of one key one at a time in order, other keys alongside, within the concurrency', async () => {
    const executor = new KeyedExecutor<string>({ concurrency: 2 })
    const log: string[] = []
    const gates = new Map<string, ReturnType<typeof deferred>>()
    const task = (name: string) => () => {
      log.push(`start ${name}`)
      const gate = deferred()
      gates.set(name, gate)
      return gate.promise.then(() => log.push(`end ${name}`))
    }
    await executor.submit('a', task('a1'))
    await executor.submit('a', task('a2'))
    await executor.submit('b', task('b1'))
    await executor.submit('c', task('c1'))
    expect(log).toEqual(['start a1', 'start b1'])
    expect(executor.stats()).toMatchObject({ running: 2, queued: 2, activeKeys: 3 })
    gates.get('a1')!.resolve()
    await settle()
    // a2 was ready first (its key freed), but c1 has waited longer for a slot
    expect(log).toEqual(['start a1', 'start b1', 'end a1', 'start c1'])
    gates.get('b1')!.resolve()
    await settle()
    expect(log.slice(4)).toEqual(['end b1', 'start a2'])
    gates.get('c1')!.resolve()
    gates.get('a2')!.resolve()
    await executor.drain()
    expect(executor.stats()).toMatchObject({
      running: 0,
      queued: 0,
      activeKeys: 0,
      completed: 4,
      maxRunning: 2,
    })
  })

  it('submit waits for queue room, but a task that can start at once never waits behind the queue', async () => {
    const executor = new KeyedExecutor<string>({ concurrency: 2, maxQueued: 1 })
    const hot = deferred()
    await executor.submit('hot', () => hot.promise)
    await executor.submit('hot', () => undefined)
    let accepted = false
    const third = executor
      .submit('hot', () => undefined)
      .then(() => {
        accepted = true
      })
    await settle()
    expect(accepted).toBe(false)
    // the queue is full of 'hot', yet this key is idle and a slot is free... but a
    // submitter is already waiting, and order among submitters is kept
    expect(executor.trySubmit('cold', () => undefined)).toBe(false)
    hot.resolve()
    await third
    await executor.drain()
    const fresh = new KeyedExecutor<string>({ concurrency: 2, maxQueued: 1 })
    const block = deferred()
    await fresh.submit('hot', () => block.promise)
    await fresh.submit('hot', () => undefined)
    // nobody waiting, queue full, but 'cold' is idle with a free slot: it starts now
    let ran = false
    expect(
      fresh.trySubmit('cold', () => {
        ran = true
      }),
    ).toBe(true)
    expect(ran).toBe(true)
    block.resolve()
    await fresh.drain()
  })

  it('run resolves with the task result or rejects with its error; submit failures go to onError', async () => {
    const errors: [unknown, string][] = []
    const executor = new KeyedExecutor<string>({
      concurrency: 4,
      onError: (error, key) => errors.push([error, key]),
    })
    expect(await executor.run('k', async () => 42)).toBe(42)
    await expect(
      executor.run('k', () => {
        throw new Error('sync boom')
      }),
    ).rejects.toThrow('sync boom')
    await executor.submit('x', async () => {
      throw new Error('async boom')
    })
    await executor.drain()
    expect(errors.map(([error, key]) => [(error as Error).message, key])).toEqual([['async boom', 'x']])
    expect(executor.stats()).toMatchObject({ completed: 1, failed: 2 })
  })

  it('drain rejects with the first failure when there is no onError, then starts clean', async () => {
    const executor = new KeyedExecutor<number>({ concurrency: 2 })
    await executor.submit(1, () => Promise.reject(new Error('first')))
    await executor.submit(2, () => Promise.reject(new Error('second')))
    await executor.submit(3, () => 'fine')
    await expect(executor.drain()).rejects.toThrow('first')
    await expect(executor.drain()).resolves.toBeUndefined()
  })

  it('a submit aborted while waiting for room never runs', async () => {
    const executor = new KeyedExecutor<string>({ concurrency: 1, maxQueued: 1 })
    const gate = deferred()
    await executor.submit('a', () => gate.promise)
    await executor.submit('a', () => undefined)
    const controller = new AbortController()
    let ran = false
    const waiting = executor.submit(
      'a',
      () => {
        ran = true
      },
      controller.signal,
    )
    controller.abort()
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' })
    gate.resolve()
    await executor.drain()
    expect(ran).toBe(false)
    expect(executor.stats().submitted).toBe(2)
  })

  it('a hot key does not hold slots other keys could use', async () => {
    const executor = new KeyedExecutor<string>({ concurrency: 3 })
    const gates: ReturnType<typeof deferred>[] = []
    let running = 0
    let peak = 0
    const task = () => {
      running++
      peak = Math.max(peak, running)
      const gate = deferred()
      gates.push(gate)
      return gate.promise.then(() => running--)
    }
    for (let i = 0; i < 5; i++) await executor.submit('hot', task)
    await executor.submit('x', task)
    await executor.submit('y', task)
    expect(running).toBe(3)
    expect(executor.stats().queued).toBe(4)
    while (gates.length > 0) {
      gates.shift()!.resolve()
      await settle()
    }
    await executor.drain()
    expect(peak).toBe(3)
  })

  it('runs long chains of synchronous tasks without deep recursion', async () => {
    const executor = new KeyedExecutor<number>({ concurrency: 1, maxQueued: 200_000 })
    const gate = deferred()
    await executor.submit(0, () => gate.promise)
    let n = 0
    for (let i = 0; i < 100_000; i++) await executor.submit(i % 3, () => n++)
    gate.resolve()
    await executor.drain()
    expect(n).toBe(100_000)
  })

  it('refuses bad configuration', () => {
    expect(() => new KeyedExecutor({ concurrency: 0 })).toThrow(/concurrency must be a positive integer/)
    expect(() => new KeyedExecutor({ concurrency: 1, maxQueued: 0 })).toThrow(/maxQueued/)
  })
})

describe('KeyedExecutor properties (fast-check, random completion order)', () => {
  it('never runs two tasks of a key at once, keeps each key in order, never exceeds its concurrency, runs every task once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 6 }),
        fc.array(
          fc.record({
            key: fc.integer({ min: 0, max: 4 }),
            kind: fc.constantFrom('async', 'sync', 'fail', 'throw'),
            via: fc.constantFrom('submit', 'run', 'try'),
          }),
          { maxLength: 25 },
        ),
        async (s, concurrency, maxQueued, tasks) => {
          const executor = new KeyedExecutor<number>({ concurrency, maxQueued, onError: () => {} })
          const runningKeys = new Set<number>()
          let running = 0
          const started: number[][] = [[], [], [], [], []]
          const runs = new Array<number>(tasks.length).fill(0)
          const accepted = new Array<boolean>(tasks.length).fill(false)
          const makeTask = (index: number) => () => {
            const { key, kind } = tasks[index]
            expect(runningKeys.has(key)).toBe(false)
            runningKeys.add(key)
            running++
            expect(running).toBeLessThanOrEqual(concurrency)
            started[key].push(index)
            runs[index]++
            const finish = () => {
              runningKeys.delete(key)
              running--
            }
            if (kind === 'sync') {
              finish()
              return index
            }
            if (kind === 'throw') {
              finish()
              throw new Error(`task ${index}`)
            }
            return s.schedule(Promise.resolve(), `task ${index} (key ${key})`).then(() => {
              finish()
              if (kind === 'fail') throw new Error(`task ${index}`)
              return index
            })
          }
          const outcomes: Promise<unknown>[] = []
          const submitting = (async () => {
            for (let i = 0; i < tasks.length; i++) {
              const { key, via } = tasks[i]
              if (via === 'try') {
                // refused tasks are simply not run
                accepted[i] = executor.trySubmit(key, makeTask(i))
              } else if (via === 'run') {
                accepted[i] = true
                outcomes.push(
                  executor.run(key, makeTask(i)).then(
                    (value) => expect(value).toBe(i),
                    (error) => expect((error as Error).message).toBe(`task ${i}`),
                  ),
                )
                // run resolves only when done; let the submission loop go on meanwhile
                await s.schedule(Promise.resolve(), `after run ${i}`)
              } else {
                accepted[i] = true
                await executor.submit(key, makeTask(i))
              }
            }
            await Promise.all(outcomes)
            await executor.drain()
          })()
          await s.waitFor(submitting)

          for (let i = 0; i < tasks.length; i++) expect(runs[i]).toBe(accepted[i] ? 1 : 0)
          for (let key = 0; key < 5; key++) {
            const expected = tasks
              .map((t, i) => (t.key === key && accepted[i] ? i : -1))
              .filter((i) => i >= 0)
            expect(started[key]).toEqual(expected)
          }
          const stats = executor.stats()
          expect(stats).toMatchObject({ running: 0, queued: 0, activeKeys: 0, waitingSubmitters: 0 })
          expect(stats.maxRunning).toBeLessThanOrEqual(concurrency)
          expect(stats.completed + stats.failed).toBe(accepted.filter(Boolean).length)
        },
      ),
      { numRuns: 200 },
    )
  })
})
