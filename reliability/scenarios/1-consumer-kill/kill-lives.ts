import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Admin } from '../../../src/index.js'
import { LineCounter } from '../../../test/faults/consumer-kill/processed-log.js'
import type { LoggingConsumerConfig } from '../../children/logging-consumer.js'
import { ClientProcess } from '../../support/client-process.js'
import { type Committed, committedOffsets } from '../../support/committed-offsets.js'
import type { MemoryWatch } from '../../support/memory-watch.js'

export interface KillSettings {
  readonly kills: number
  /** Each killed life is killed once it has logged between minLines and maxLines records. */
  readonly minLines: number
  /** kills × maxLines stays below the records, so every kill lands while work remains. */
  readonly maxLines: number
}

export interface KillRun {
  readonly bootstrap: string
  readonly topic: string
  readonly groupId: string
  readonly partitions: number
  /** Per partition, the offset past its last record: the final life is done when all are committed. */
  readonly ends: ReadonlyMap<number, number>
  readonly workDir: string
  readonly admin: Admin
  readonly watch: MemoryWatch
  readonly random: () => number
  log(line: string): void
}

export interface Lives {
  /** Each life's processed log, in order; the last one ended by SIGTERM. */
  readonly files: string[]
  /** The group's committed offsets read right after each kill. */
  readonly committedAtKill: Committed[]
  /** How the last life ended (0: a clean close). */
  readonly lastExit: number | string
  readonly notes: string[]
}

const LIFE_MS = 30_000
const FINAL_MS = 90_000

/**
 * The lives of one consumer process: started, SIGKILLed at a random point of
 * its processing (a number of logged records drawn from the seed), started
 * again, `kills` times; then a last life that runs until the group has
 * committed the end of every partition, closed with SIGTERM. It is a static
 * member (KIP-345) so each new life takes over its predecessor's partitions
 * at once instead of waiting out the dead one's session, with `ordering:
 * 'key'` and 8 handlers at a time of 1-3 ms work, so several keys are in
 * flight when the kill lands.
 */
export async function runLives(run: KillRun, settings: KillSettings): Promise<Lives> {
  const files: string[] = []
  const committedAtKill: Committed[] = []
  const notes: string[] = []
  const lifetimes: number[] = []
  const start = () => {
    const file = join(run.workDir, `life-${files.length}.log`)
    writeFileSync(file, '')
    files.push(file)
    const config: LoggingConsumerConfig = {
      bootstrap: run.bootstrap,
      processedLog: file,
      consumer: {
        groupId: run.groupId,
        topics: [run.topic],
        ordering: 'key',
        concurrency: 8,
        fromBeginning: true,
        commitIntervalMs: 50,
        groupInstanceId: `${run.groupId}-instance`,
        // long enough that a busy machine's pauses never cost the membership within a life
        sessionTimeoutMs: 10_000,
      },
      handlerMs: [1, 3],
    }
    const life = new ClientProcess('logging-consumer', config)
    run.watch.watch('consumer', life.pid)
    return { life, file }
  }
  const committed = () => committedOffsets(run.admin, run.groupId, run.topic, run.partitions)

  for (let n = 0; n < settings.kills; n++) {
    const { life, file } = start()
    const lines = new LineCounter(file)
    const stopAt = settings.minLines + Math.floor(run.random() * (settings.maxLines - settings.minLines))
    try {
      await life.waitUntil(`life ${n} to process ${stopAt} records`, () => lines.update() >= stopAt, LIFE_MS)
    } finally {
      lines.close()
    }
    run.watch.poll()
    await life.end('SIGKILL')
    // a commit written just before the kill is already in the broker's socket: let it land
    await new Promise((resolve) => setTimeout(resolve, 100))
    committedAtKill.push(await committed())
    lifetimes.push(Date.now() - life.spawnedAt)
    if ((n + 1) % 10 === 0) run.log(`  ${n + 1} of ${settings.kills} kills`)
  }

  const { life: last } = start()
  const done = async () => {
    const offsets = await committed()
    return [...run.ends].every(([p, end]) => offsets.get(p) === end)
  }
  const deadline = Date.now() + FINAL_MS
  while (!(await done())) {
    if (!last.running) throw new Error(`the last life exited (${await last.exited})\n${last.recentStderr}`)
    if (Date.now() > deadline)
      throw new Error(`the last life did not commit the whole topic\n${last.recentStderr}`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  const sorted = [...lifetimes].sort((a, b) => a - b)
  notes.push(
    `${settings.kills} kills at ${settings.minLines}-${settings.maxLines} records into a life; a killed life ran ${sorted[0]}-${sorted.at(-1)} ms (median ${sorted[sorted.length >> 1]}) from spawn to kill`,
  )
  run.watch.poll()
  const lastExit = await last.end('SIGTERM')
  if (lastExit !== 0) notes.push(`the last life's close ended with ${lastExit}: ${last.recentStderr}`)
  return { files, committedAtKill, lastExit, notes }
}
