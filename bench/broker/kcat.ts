import { spawn, spawnSync } from 'node:child_process'
import { closeSync, existsSync, openSync } from 'node:fs'
import { trackChild } from './cleanup.js'

/**
 * The librdkafka load: kcat as a producer and as a consumer, each timed from
 * spawn to exit, so the figures include kcat's own start-up and metadata
 * round trip (a few milliseconds against seconds of transfer).
 */

/** kcat's version and the librdkafka it is built on, or null when kcat is not installed. */
export function kcatVersion(): string | null {
  const result = spawnSync('kcat', ['-V'], { encoding: 'utf8' })
  if (result.error || result.status !== 0) return null
  const kcat = /Version (\S+)/.exec(result.stdout)?.[1] ?? 'unknown version'
  const librdkafka = /librdkafka (\S+)/.exec(result.stdout)?.[1] ?? 'unknown version'
  return `${kcat} (librdkafka ${librdkafka})`
}

export interface KcatRun {
  seconds: number
  /** CPU seconds kcat used (user + system), when /usr/bin/time is there to tell. */
  cpuSeconds: number | null
}

interface Finished extends KcatRun {
  stderr: string
}

/** GNU time prints the child's CPU on stderr after it exits; this marks the line among kcat's own. */
const TIME_BINARY = '/usr/bin/time'
const CPU_LINE = /^KCAT_CPU (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)$/m

function runKcat(
  args: readonly string[],
  stdinFd: number | 'ignore',
  onStdout?: (chunk: Buffer) => void,
): Promise<Finished> {
  const started = performance.now()
  const withTime = existsSync(TIME_BINARY)
  const [command, commandArgs] = withTime
    ? [TIME_BINARY, ['-f', 'KCAT_CPU %U %S', 'kcat', ...args]]
    : ['kcat', [...args]]
  const child = spawn(command, commandArgs, { stdio: [stdinFd, onStdout ? 'pipe' : 'ignore', 'pipe'] })
  trackChild(child)
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000)
  })
  if (onStdout) child.stdout?.on('data', onStdout)
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (code, signal) => {
      const seconds = (performance.now() - started) / 1000
      const cpu = CPU_LINE.exec(stderr)
      const cpuSeconds = cpu ? Number(cpu[1]) + Number(cpu[2]) : null
      stderr = stderr.replace(CPU_LINE, '').trim()
      if (code === 0) resolve({ seconds, cpuSeconds, stderr })
      else reject(new Error(`kcat ${args.join(' ')} failed (${code ?? signal}):\n${stderr}`))
    })
  })
}

/**
 * Produces every line of `inputPath` as one keyless record, the way the
 * brief's reference command does: no compression, batches of up to 10,000
 * records (librdkafka also caps a batch at batch.size, 1 MB, about 9,000 of
 * these records), 5 ms linger, leader acknowledgement like the Sluice load.
 */
export async function kcatProduce(bootstrap: string, topic: string, inputPath: string): Promise<KcatRun> {
  const fd = openSync(inputPath, 'r')
  try {
    const args = ['-P', '-b', bootstrap, '-t', topic, '-z', 'none']
    args.push('-X', 'linger.ms=5', '-X', 'batch.num.messages=10000', '-X', 'acks=1')
    const { stderr, ...run } = await runKcat(args, fd)
    // kcat reports failed deliveries on stderr; the end offsets are checked separately too
    if (/ERROR|failed/i.test(stderr)) throw new Error(`kcat reported errors while producing:\n${stderr}`)
    return run
  } finally {
    closeSync(fd)
  }
}

/** What one partition's consumer saw. */
export interface ConsumedPartition {
  count: number
  first: number
  last: number
  /** False if any offset did not exceed the one before it. */
  increasing: boolean
}

export interface KcatConsumeResult extends KcatRun {
  partitions: Map<number, ConsumedPartition>
}

/**
 * Reads every partition from the beginning and exits at the end of the last
 * one (-e). Each record prints only "partition offset", about ten bytes, so
 * formatting and the pipe cost little beside the fetching; the offsets are
 * parsed byte by byte as they stream in, to check that nothing was skipped or
 * repeated.
 *
 * fetch.wait.max.ms is lowered from 500 to 10: once the log is read, the
 * fetch that finds the end is parked by the broker for the whole wait (as
 * Kafka does) before -e can exit, which adds half a second of idle time to
 * every run (measured: 100,000 records take ~0.6 s with 500, ~0.1 s with
 * 10). While records remain the broker answers at once, so nothing else
 * changes.
 */
export async function kcatConsume(bootstrap: string, topic: string): Promise<KcatConsumeResult> {
  const partitions = new Map<number, ConsumedPartition>()
  let field = 0
  let partition = 0
  let offset = 0
  let badByte: number | null = null
  const commit = () => {
    const seen = partitions.get(partition)
    if (seen === undefined) {
      partitions.set(partition, { count: 1, first: offset, last: offset, increasing: true })
    } else {
      if (offset <= seen.last) seen.increasing = false
      seen.count++
      seen.last = offset
    }
  }
  const onStdout = (chunk: Buffer) => {
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]
      if (c >= 0x30 && c <= 0x39) {
        if (field === 0) partition = partition * 10 + (c - 0x30)
        else offset = offset * 10 + (c - 0x30)
      } else if (c === 0x20) {
        field = 1
      } else if (c === 0x0a) {
        commit()
        field = 0
        partition = 0
        offset = 0
      } else {
        // thrown from a stream listener this would crash the process; it is reported after the run
        badByte ??= c
      }
    }
  }
  const args = ['-C', '-b', bootstrap, '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%p %o\\n']
  args.push('-X', 'fetch.wait.max.ms=10')
  const { seconds, cpuSeconds } = await runKcat(args, 'ignore', onStdout)
  if (badByte !== null) throw new Error(`unexpected byte ${badByte} in kcat output`)
  if (field !== 0 || partition !== 0 || offset !== 0) throw new Error('kcat output ended inside a line')
  return { seconds, cpuSeconds, partitions }
}
