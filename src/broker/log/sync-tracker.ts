import { fsync } from 'node:fs'
import { open } from 'node:fs/promises'
import { promisify } from 'node:util'

export type FsyncFd = (fd: number) => Promise<void>

const systemFsync: FsyncFd = promisify(fsync)

/** Errors from fsyncing a path that mean "nothing to do": it is gone, or the platform cannot sync directories. */
const IGNORED_PATH_ERRORS = new Set(['ENOENT', 'EISDIR', 'EINVAL', 'EPERM', 'EBADF'])

/**
 * Remembers which files have writes the disk may not have yet, and fsyncs
 * them in passes. A pass covers every write made before it started, so all
 * callers waiting at that moment share it (group commit): under load the
 * number of fsyncs stays bounded by how long one takes, not by how many
 * produce requests arrive.
 *
 * A failed fsync is sticky. After one, the kernel may have dropped the dirty
 * pages it could not write, and a later fsync can succeed without them; the
 * only safe answer is to refuse further writes and make the failure visible.
 */
export class SyncTracker {
  private readonly dirtyFds = new Set<number>()
  private readonly dirtyPaths = new Set<string>()
  /** Writes marked so far, and how many of them the last finished pass covered. */
  private marked = 0
  private synced = 0
  private running: Promise<void> | null = null
  private error: Error | null = null

  constructor(private readonly fsyncFd: FsyncFd = systemFsync) {}

  /** The fsync error that stopped this log, if any. */
  get failure(): Error | null {
    return this.error
  }

  /** Records a write to an open file. */
  markFd(fd: number): void {
    this.dirtyFds.add(fd)
    this.marked++
  }

  /** Records a change to a file written by path, or to a directory's entries (files created or renamed). */
  markPath(path: string): void {
    this.dirtyPaths.add(path)
    this.marked++
  }

  /** Stops tracking a file about to be closed and deleted: its data no longer matters. */
  forgetFd(fd: number): void {
    this.dirtyFds.delete(fd)
  }

  /** Begins a pass in the background unless one is under way; its outcome is seen by `sync`. */
  start(): void {
    if (this.running === null && this.synced < this.marked && this.error === null) this.running = this.pass()
  }

  /** Resolves once every write marked before the call is on disk; rejects after an fsync failure. */
  async sync(): Promise<void> {
    const target = this.marked
    while (this.synced < target && this.error === null) {
      this.running ??= this.pass()
      await this.running
    }
    if (this.error) throw this.error
  }

  /** Resolves when no pass is running, so the files it may be using can be closed. */
  async idle(): Promise<void> {
    while (this.running) await this.running
  }

  /** Never rejects: a pass started by `start` may have nobody waiting on it. */
  private async pass(): Promise<void> {
    const covers = this.marked
    const fds = [...this.dirtyFds]
    const paths = [...this.dirtyPaths]
    this.dirtyFds.clear()
    this.dirtyPaths.clear()
    try {
      await Promise.all([...fds.map((fd) => this.fsyncFd(fd)), ...paths.map(fsyncPath)])
      this.synced = Math.max(this.synced, covers)
    } catch (err) {
      this.error ??= err instanceof Error ? err : new Error(String(err))
    } finally {
      this.running = null
    }
  }
}

async function fsyncPath(path: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>>
  try {
    handle = await open(path, 'r')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return
    throw err
  }
  try {
    await handle.sync()
  } catch (err) {
    if (!IGNORED_PATH_ERRORS.has((err as NodeJS.ErrnoException).code ?? '')) throw err
  } finally {
    await handle.close()
  }
}
