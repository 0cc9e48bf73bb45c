import { describe, expect, it } from 'vitest'
import { SyncTracker } from '../../../src/broker/log/sync-tracker.js'

/** An fsync stand-in whose calls finish only when the test says so. */
function controlledFsync() {
  const calls: { fd: number; finish: (err?: Error) => void }[] = []
  const fsync = (fd: number) =>
    new Promise<void>((resolve, reject) => {
      calls.push({ fd, finish: (err) => (err ? reject(err) : resolve()) })
    })
  return { fsync, calls }
}

const settle = () => new Promise((resolve) => setImmediate(resolve))

describe('SyncTracker', () => {
  it('does nothing when nothing was written', async () => {
    const { fsync, calls } = controlledFsync()
    const tracker = new SyncTracker(fsync)
    await tracker.sync()
    tracker.start()
    expect(calls).toHaveLength(0)
  })

  it('lets every waiter of one moment share a pass, and waits for a new pass for later writes', async () => {
    const { fsync, calls } = controlledFsync()
    const tracker = new SyncTracker(fsync)
    tracker.markFd(3)
    tracker.markFd(3)
    tracker.markFd(4)
    const done: string[] = []
    const first = tracker.sync().then(() => done.push('first'))
    const second = tracker.sync().then(() => done.push('second'))
    expect(calls.map((c) => c.fd).sort()).toEqual([3, 4])
    // written while the pass runs: not covered by it
    tracker.markFd(3)
    const third = tracker.sync().then(() => done.push('third'))
    for (const call of calls.splice(0)) call.finish()
    await Promise.all([first, second])
    await settle()
    expect(done).toEqual(['first', 'second'])
    expect(calls.map((c) => c.fd)).toEqual([3])
    calls[0].finish()
    await third
    expect(done).toEqual(['first', 'second', 'third'])
  })

  it('starts a pass in the background that a later sync only waits for', async () => {
    const { fsync, calls } = controlledFsync()
    const tracker = new SyncTracker(fsync)
    tracker.markFd(7)
    tracker.start()
    expect(calls).toHaveLength(1)
    const waiting = tracker.sync()
    expect(calls).toHaveLength(1)
    calls[0].finish()
    await waiting
  })

  it('keeps an fsync failure: later syncs fail and nothing is retried as if it had worked', async () => {
    const { fsync, calls } = controlledFsync()
    const tracker = new SyncTracker(fsync)
    tracker.markFd(5)
    tracker.start()
    calls[0].finish(new Error('EIO'))
    await settle()
    expect(tracker.failure?.message).toBe('EIO')
    await expect(tracker.sync()).rejects.toThrow('EIO')
    tracker.markFd(5)
    await expect(tracker.sync()).rejects.toThrow('EIO')
    expect(calls).toHaveLength(1)
  })

  it('does not fsync a descriptor forgotten before the pass', async () => {
    const { fsync, calls } = controlledFsync()
    const tracker = new SyncTracker(fsync)
    tracker.markFd(8)
    tracker.markFd(9)
    tracker.forgetFd(8)
    const waiting = tracker.sync()
    expect(calls.map((c) => c.fd)).toEqual([9])
    calls[0].finish()
    await waiting
    await tracker.idle()
  })
})
