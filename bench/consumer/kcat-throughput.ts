import { existsSync } from 'node:fs'
import { kcatVersion } from '../broker/kcat.js'
import { lastLines, startProcess } from '../support/child-process.js'
import { RecordTally } from './children/record-tally.js'
import type { ThroughputConfig, ThroughputReport } from './children/throughput-protocol.js'

/**
 * kcat as a consumer: `kcat -C -o beginning -e` reads every partition from
 * the start and exits at the end of the last one, without a group (kcat -C
 * assigns partitions itself). It prints "partition offset" per record,
 * about ten bytes, which are checked here as they stream in exactly as the
 * other clients check theirs. GNU time reports its peak RSS and CPU.
 *
 * fetch.wait.max.ms is lowered from 500 to 10 (as bench/broker does):
 * -e can only exit once a fetch comes back empty at the end of the log,
 * and the broker parks that fetch for the whole wait. The other clients stop
 * at their last record, so they never wait for that fetch.
 */

const TIME_BINARY = '/usr/bin/time'
const RUSAGE_LINE = /^CONSUMER_RUSAGE (\d+) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)$/m

export function kcatUnavailable(): string | null {
  if (!kcatVersion()) return 'kcat is not installed (bash .ci/install-compat-clients)'
  if (!existsSync(TIME_BINARY)) return `${TIME_BINARY} is missing: kcat's memory and CPU cannot be read`
  return null
}

/** Feeds "partition offset\n" lines, split anywhere across chunks, into the tally. */
function lineParser(tally: RecordTally): { feed(chunk: Buffer): void; clean(): boolean } {
  let field = 0
  let partition = 0
  let offset = 0
  let bad = false
  return {
    feed(chunk) {
      for (let i = 0; i < chunk.length; i++) {
        const c = chunk[i]
        if (c >= 0x30 && c <= 0x39) {
          if (field === 0) partition = partition * 10 + (c - 0x30)
          else offset = offset * 10 + (c - 0x30)
        } else if (c === 0x20) field = 1
        else if (c === 0x0a) {
          tally.add(partition, offset)
          field = 0
          partition = 0
          offset = 0
        } else bad = true
      }
    },
    clean: () => !bad && field === 0,
  }
}

export async function kcatThroughput(
  config: ThroughputConfig,
  timeoutMs: number,
): Promise<ThroughputReport | { error: string }> {
  const tally = new RecordTally(config.partitions, config.records)
  const parser = lineParser(tally)
  const args = ['-C', '-b', config.bootstrap, '-t', config.topic, '-o', 'beginning', '-e', '-q']
  args.push('-f', '%p %o\\n', '-X', 'fetch.wait.max.ms=10')
  let firstAt = 0
  const started = performance.now()
  const child = startProcess(
    {
      command: TIME_BINARY,
      args: ['-f', 'CONSUMER_RUSAGE %M %U %S', 'kcat', ...args],
      onStdout: (chunk) => {
        if (firstAt === 0) firstAt = performance.now()
        parser.feed(chunk)
      },
    },
    timeoutMs,
  )
  child.stdin?.end()
  const finished = await child.finished
  const usage = RUSAGE_LINE.exec(finished.stderrTail)
  if (finished.code !== 0 || !usage) {
    const stderr = finished.stderrTail.replace(RUSAGE_LINE, '')
    return { error: `kcat exited with ${finished.code ?? finished.signal}: ${lastLines(stderr, 6)}` }
  }
  if (!parser.clean()) return { error: 'kcat printed something other than "partition offset" lines' }
  return {
    ...tally.report(),
    seconds: finished.wallSeconds,
    firstRecordSeconds: (firstAt - started) / 1000,
    cpuSeconds: Number(usage[2]) + Number(usage[3]),
    peakRssBytes: Number(usage[1]) * 1024,
    method: "kcat -C -o beginning -e -f '%p %o\\n' -X fetch.wait.max.ms=10, spawn to exit",
  }
}
