import { spawnSync } from 'node:child_process'
import { type Availability, probe, runChecked } from './external-client.js'
import { CODEC_NAMES, type CodecName } from './python-client.js'
import type { ReadRecord } from './workload.js'

/**
 * Reading a whole topic with kcat's JSON envelope (`-J`), byte for byte.
 *
 * kcat's `-f` format cannot carry binary: `%h` prints header values as C
 * strings (cut at the first NUL) and joins them with `,` and `=`. `-J` writes
 * each record as a JSON line whose strings hold the bytes as they are: control
 * bytes escaped as \u00XX, every other byte written raw, even where it is not
 * UTF-8. Read as Latin-1, every such string has one character per original
 * byte, so `Buffer.from(s, 'latin1')` gives back exactly the bytes the record
 * holds. Null keys, values and header values are JSON null.
 */

export const kcatAvailability: Availability = probe('kcat', ['-V'])

/** Which codecs this kcat's librdkafka was built with (`kcat -V` lists them in builtin.features). */
export function kcatCodecs(): Map<CodecName, Availability> {
  const features = kcatAvailability.available
    ? (/builtin\.features=(\S+)/
        .exec(spawnSync('kcat', ['-V'], { encoding: 'utf8' }).stdout)?.[1]
        ?.split(',') ?? [])
    : []
  return new Map(
    CODEC_NAMES.map((codec): [CodecName, Availability] => {
      if (!kcatAvailability.available) return [codec, kcatAvailability]
      return codec === 'none' || features.includes(codec)
        ? [codec, { available: true, reason: '' }]
        : [codec, { available: false, reason: `librdkafka built without ${codec}: ${features.join(',')}` }]
    }),
  )
}

interface JsonEnvelope {
  partition: number
  offset: number
  tstype: string
  ts: number
  key: string | null
  payload: string | null
  /** Name, value, name, value, ... */
  headers?: (string | null)[]
}

const RUN_MS = 30_000

function bytes(text: string | null): Buffer | null {
  if (text === null) return null
  for (let i = 0; i < text.length; i++) {
    // one character per byte is what makes the Latin-1 round trip exact; anything wider is a kcat we do not know
    if (text.charCodeAt(i) > 0xff) throw new Error(`kcat -J printed U+${text.charCodeAt(i).toString(16)}`)
  }
  return Buffer.from(text, 'latin1')
}

/** Every partition of `topic` from its beginning to its end, as kcat reads it; `timestampType` is kcat's `tstype`. */
export async function kcatReadTopic(
  bootstrap: string,
  topic: string,
): Promise<(ReadRecord & { timestampType: string })[]> {
  const result = await runChecked(
    'kcat',
    ['-C', '-b', bootstrap, '-X', 'broker.address.family=v4', '-m', '10', '-q', '-e', '-J', '-t', topic],
    { timeoutMs: RUN_MS },
  )
  const out: (ReadRecord & { timestampType: string })[] = []
  for (const line of result.stdoutBytes.toString('latin1').split('\n')) {
    if (line === '') continue
    const r = JSON.parse(line) as JsonEnvelope
    const flat = r.headers ?? []
    const headers: (readonly [string, Buffer | null])[] = []
    for (let i = 0; i < flat.length; i += 2) {
      headers.push([bytes(flat[i])!.toString('utf8'), bytes(flat[i + 1])])
    }
    out.push({
      partition: r.partition,
      offset: BigInt(r.offset),
      key: bytes(r.key),
      value: bytes(r.payload),
      headers,
      timestamp: r.ts,
      timestampType: r.tstype,
    })
  }
  return out
}
