import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { type Availability, jsonLines, PYTHON, runChecked } from './external-client.js'
import type { ReadRecord, WorkloadRecord } from './workload.js'

/**
 * Runs one of the Python client scripts in test/compat/clients/ (one per
 * Python client library, same modes and same JSON-lines output) and turns
 * what it prints into the workload's types.
 */

export const CODEC_NAMES = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const
export type CodecName = (typeof CODEC_NAMES)[number]

export interface Delivery {
  seq: number
  partition: number
  offset: number
}

export interface Watermarks {
  partition: number
  low: number
  high: number
}

export interface TimeLookup {
  partition: number
  timestamp: number
  offset: number
}

interface RecordLine {
  type: 'record'
  partition: number
  offset: number
  timestamp: number
  timestampType: number
  key: string | null
  value: string | null
  headers: [string, string | null][]
}

/** Each run of a script, however small, must end well within a test's time. */
const RUN_MS = 30_000
/** What the script itself waits for the broker, below RUN_MS so it reports before it is killed. */
const SCRIPT_TIMEOUT_S = '20'

function b64(data: Buffer | null): string | null {
  return data === null ? null : data.toString('base64')
}

function unb64(text: string | null): Buffer | null {
  return text === null ? null : Buffer.from(text, 'base64')
}

export class PythonClient {
  private readonly script: string

  /** `scriptName` is a file in test/compat/clients/. */
  constructor(scriptName: string) {
    this.script = fileURLToPath(new URL(`../clients/${scriptName}`, import.meta.url))
  }

  /**
   * Which codecs the client can write, asked synchronously so that it can
   * decide at collection time which tests run; every codec of CODEC_NAMES
   * gets an Availability.
   */
  codecs(): Map<CodecName, Availability> {
    const result = spawnSync(PYTHON, [this.script, 'codecs'], { encoding: 'utf8', timeout: 20_000 })
    const out = new Map<CodecName, Availability>()
    let names: string[] = []
    let failure = ''
    if (result.status === 0) {
      names = jsonLines<{ codecs: string[] }>(result.stdout)[0]?.codecs ?? []
    } else {
      failure = `${this.script} codecs failed: ${result.error?.message ?? result.stderr.trim()}`
    }
    for (const codec of CODEC_NAMES) {
      out.set(
        codec,
        names.includes(codec)
          ? { available: true, reason: '' }
          : { available: false, reason: failure || `this installation cannot write ${codec}` },
      )
    }
    return out
  }

  private async run(mode: string, bootstrap: string, topic: string, extra: string[] = [], input?: string) {
    const args = [
      this.script,
      mode,
      '--bootstrap',
      bootstrap,
      '--topic',
      topic,
      '--timeout',
      SCRIPT_TIMEOUT_S,
    ]
    const result = await runChecked(PYTHON, [...args, ...extra], { input, timeoutMs: RUN_MS })
    return jsonLines<{ type: string }>(result.stdout)
  }

  async createTopic(bootstrap: string, topic: string, partitions: number): Promise<void> {
    const lines = await this.run('create', bootstrap, topic, ['--partitions', String(partitions)])
    if (!lines.some((l) => l.type === 'created')) throw new Error(`${topic} was not created`)
  }

  /** Produces the records in order and returns the client's delivery report of each, by index. */
  async produce(
    bootstrap: string,
    topic: string,
    codec: CodecName,
    records: readonly WorkloadRecord[],
  ): Promise<Delivery[]> {
    const input = records
      .map((r) =>
        JSON.stringify({
          key: b64(r.key),
          value: b64(r.value),
          headers: r.headers.map(([name, value]) => [name, b64(value)]),
          timestamp: r.timestamp,
        }),
      )
      .join('\n')
    const lines = await this.run('produce', bootstrap, topic, ['--codec', codec], `${input}\n`)
    const deliveries: Delivery[] = []
    for (const line of lines as unknown as (Delivery & { type: string })[]) {
      if (line.type === 'delivery') deliveries[line.seq] = line
    }
    return deliveries
  }

  /** Every record of every partition, read by explicit assignment from the beginning. */
  async consume(bootstrap: string, topic: string): Promise<(ReadRecord & { timestampType: number })[]> {
    const lines = (await this.run('consume', bootstrap, topic)) as unknown as RecordLine[]
    return lines
      .filter((l) => l.type === 'record')
      .map((l) => ({
        partition: l.partition,
        offset: BigInt(l.offset),
        key: unb64(l.key),
        value: unb64(l.value),
        headers: l.headers.map(([name, value]) => [name, unb64(value)] as const),
        timestamp: l.timestamp,
        timestampType: l.timestampType,
      }))
  }

  /** Earliest and latest offsets of every partition, and the offset found for each timestamp. */
  async offsets(
    bootstrap: string,
    topic: string,
    timestamps: readonly number[],
  ): Promise<{ watermarks: Watermarks[]; times: TimeLookup[] }> {
    // one argument with '=', so a list starting with a minus sign is not taken for an option
    const lines = await this.run('offsets', bootstrap, topic, [`--times=${timestamps.join(',')}`])
    const watermarks = (lines as unknown as (Watermarks & { type: string })[])
      .filter((l) => l.type === 'watermarks')
      .map(({ partition, low, high }) => ({ partition, low, high }))
    const times = (lines as unknown as (TimeLookup & { type: string })[])
      .filter((l) => l.type === 'time')
      .map(({ partition, timestamp, offset }) => ({ partition, timestamp, offset }))
    return { watermarks, times }
  }
}
